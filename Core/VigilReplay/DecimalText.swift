/// Strict number parsing for replayed values.
///
/// `Double(_:)` alone also accepts `nan`, `inf` and hexadecimal floats; none of those is a sensor
/// value a spreadsheet exports, and a NaN would be refused later by the codec anyway, so they are
/// refused here, where the line and column are still known.
enum DecimalText {
    static func value(_ text: some StringProtocol) -> Double? {
        guard !text.isEmpty else { return nil }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                continue
            default:
                return nil
            }
        }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Whether the text is a plain number (digits, at most one point, an optional sign), as an epoch
    /// time is written; an RFC 3339 time never is, since its date has dashes after the year.
    static func isPlainNumber(_ text: some StringProtocol) -> Bool {
        var digits = 0
        var points = 0
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            case UInt8(ascii: "-"),
                UInt8(ascii: "+") where offset == 0:
                continue
            default: return false
            }
        }
        return digits > 0 && points <= 1
    }
}
