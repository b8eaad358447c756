/// A strict, allocation-light reader of the JSON that well-formed payloads use, for hot paths.
///
/// It answers nil whenever input is anything but plainly valid (escapes in strings, duplicate
/// handling, odd numbers): callers then fall back to `JSONDecoder`, which owns every refusal
/// and its wording. So this only ever has to be right about valid input.
struct JSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool {
        mutating get {
            skipWhitespace()
            return index == bytes.count
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after whitespace) if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// A string without escapes or control characters, as valid UTF-8; nil otherwise.
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII is valid UTF-8 as it is; only other text needs checking.
                return ascii ? String(decoding: slice, as: UTF8.self) : String(validating: slice, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    /// A string's bytes, without escapes or control characters and not yet checked as UTF-8: for
    /// matching an object's keys against known names without making a `String` of each.
    mutating func stringBytes() -> UnsafeBufferPointer<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<index - 1])
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// A string that is a valid topic level (`[A-Za-z0-9_.-]{1,64}`), checked while it is read.
    mutating func identifier() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, TopicLevel.isAllowed(bytes[index]) { index += 1 }
        let count = index - start
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), (1...TopicLevel.maximumLength).contains(count)
        else { return nil }
        index += 1
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
    }

    /// A number token in JSON's grammar, as a finite Double.
    mutating func number() -> Double? {
        guard let token = numberToken() else { return nil }
        let bytes = UnsafeBufferPointer(rebasing: bytes[token])
        if let exact = Self.exactDouble(bytes) { return exact }
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// Powers of ten that a Double holds exactly.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]

    /// A valid number token's value when it has at most 2^53 as its digits and at most 22 as its
    /// power of ten, which is what sensors send; nil for the rest, which `Double(String)` reads.
    ///
    /// Clinger's fast path: both the digits and the power of ten are then exact doubles, so one
    /// multiplication or division, rounded once by IEEE arithmetic, is the correctly rounded value
    /// `strtod` gives. Going through a `String` and `strtod` cost more than the rest of a reading.
    static func exactDouble(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        var position = 0
        let negative = token.first == UInt8(ascii: "-")
        if negative { position = 1 }
        var digits: UInt64 = 0
        var scale = 0
        var inFraction = false
        while position < token.count {
            let byte = token[position]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if (0x30...0x39).contains(byte) {
                // Past 2^53 the digits are no longer exact; the caller's slow path takes them.
                guard digits < 1 << 53 / 10 + 1 else { return nil }
                digits = digits * 10 + UInt64(byte - 0x30)
                if inFraction { scale -= 1 }
            } else {
                break
            }
            position += 1
        }
        if position < token.count {
            // An exponent: `e` or `E`, an optional sign, digits (the scanner checked the grammar).
            position += 1
            var exponentNegative = false
            if token[position] == UInt8(ascii: "+") || token[position] == UInt8(ascii: "-") {
                exponentNegative = token[position] == UInt8(ascii: "-")
                position += 1
            }
            var exponent = 0
            while position < token.count {
                guard exponent < 1_000 else { return nil }
                exponent = exponent * 10 + Int(token[position] - 0x30)
                position += 1
            }
            scale += exponentNegative ? -exponent : exponent
        }
        guard digits <= 1 << 53 else { return nil }
        let value: Double
        if digits == 0 {
            value = 0
        } else if (0...22).contains(scale) {
            value = Double(digits) * exactPowersOfTen[scale]
        } else if (-22..<0).contains(scale) {
            value = Double(digits) / exactPowersOfTen[-scale]
        } else {
            return nil
        }
        return negative ? -value : value
    }

    /// A non-negative integer written with digits only.
    mutating func unsignedInteger() -> Int64? {
        skipWhitespace()
        let start = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        let count = index - start
        guard count > 0, count <= 18, count == 1 || bytes[start] != 0x30 else { return nil }
        var value: Int64 = 0
        for position in start..<index { value = value * 10 + Int64(bytes[position] - 0x30) }
        return value
    }

    mutating func literal(_ word: StaticString) -> Bool {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// An object of numbers, each name read once; `identifiers` asks names to be topic levels.
    mutating func numbers(identifiers: Bool) -> [String: Double]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var numbers: [String: Double] = [:]
        if take(UInt8(ascii: "}")) { return numbers }
        // A jar's three values without a rehash on the way.
        numbers.reserveCapacity(4)
        repeat {
            guard let name = identifiers ? identifier() : string(), numbers[name] == nil, take(UInt8(ascii: ":")),
                let number = number()
            else { return nil }
            numbers[name] = number
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? numbers : nil
    }

    /// Skips any one value; false when it is not plainly valid.
    mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < 32, let next = peek() else { return false }
        switch next {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"):
            index += 1
            if take(UInt8(ascii: "}")) { return true }
            repeat {
                guard string() != nil, take(UInt8(ascii: ":")), skipValue(depth: depth + 1) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            index += 1
            if take(UInt8(ascii: "]")) { return true }
            repeat {
                guard skipValue(depth: depth + 1) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return numberToken() != nil
        }
    }

    /// The position of a number token in JSON's grammar.
    private mutating func numberToken() -> Range<Int>? {
        skipWhitespace()
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != 0x30 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { return nil }
        }
        return start..<index
    }
}
