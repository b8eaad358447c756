/// A tiny append-only JSON writer for the hot path.
///
/// Foundation's JSONEncoder spends about 70 µs on one 24-jar battery reading; at thousands of
/// readings a second that alone fills a core. Writing the bytes directly costs a few microseconds.
/// Output is equivalent JSON (keys sorted like `.sortedKeys`); tests decode both and compare.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Set once a NaN or infinity was written: the bytes are then not JSON, and a caller that
    /// cannot rule such values out falls back to `JSONEncoder`, which names the field.
    public private(set) var wroteNonFinite = false

    public init(capacity: Int) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Identifiers and metric names never need escaping: copy them in one go, from the string's
        // own storage (through `UTF8View`, checking and copying them byte by byte were together
        // about a tenth of the collector's samples in a replay).
        var text = text
        let plain = text.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if plain {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Shortest round-trip form; callers guarantee finiteness (payloads never carry NaN).
    public mutating func number(_ value: Double) {
        if !value.isFinite { wroteNonFinite = true }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            integer(Int64(value))
        } else {
            var text = value.description
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }
    }

    public mutating func integer<T: BinaryInteger>(_ value: T) {
        decimal(Int64(value), places: 0)
    }

    /// `value / 10^places`, written exactly from the integer: a register scaled by 0.001 prints
    /// as `13.498`, never `13.498000000000001`, and without a floating-point formatter.
    public mutating func decimal(_ value: Int64, places: Int) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, no heap
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0 || count <= places
            // Trailing zeros of the fraction are noise: 13.500 is 13.5.
            var trim = 0
            while trim < places && buffer[trim] == UInt8(ascii: "0") { trim += 1 }
            var index = count - 1
            while index >= trim {
                if index == places - 1 { bytes.append(UInt8(ascii: ".")) }
                bytes.append(buffer[index])
                index -= 1
            }
        }
    }

    /// `"2026-11-29T04:00:00.125Z"`, written digit by digit: no intermediate strings on the hot path.
    public mutating func timestamp(_ time: Timestamp) {
        let millisecondsSinceEpoch = time.millisecondsSinceEpoch
        var millis = millisecondsSinceEpoch % 1000
        if millis < 0 { millis += 1000 }
        let seconds = (millisecondsSinceEpoch - millis) / 1000
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400 }
        let (year, month, day) = Timestamp.civil(fromDays: (seconds - secondOfDay) / 86_400)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        bytes.append(UInt8(ascii: "\""))
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        bytes.append(UInt8(ascii: "."))
        digits(millis, 3)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Bytes the caller prepared once, such as a constant `"metric":` key.
    public mutating func raw(bytes prepared: [UInt8]) {
        bytes.append(contentsOf: prepared)
    }

    public mutating func comma() { bytes.append(UInt8(ascii: ",")) }
}
