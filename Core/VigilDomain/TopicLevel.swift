/// One validated MQTT topic level: a site, asset, device, agent or alarm code.
///
/// Identifiers become topic levels, so a `/`, `+`, `#` or NUL would silently re-route or widen
/// a subscription. They are refused where they enter, never rewritten.
public struct TopicLevel: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public static let maximumLength = 64

    public init(_ text: String) throws(PayloadError) {
        try self.init(text, field: "identifier")
    }

    /// - Parameter field: the name the error reports, so the operator sees which input was wrong.
    public init(_ text: String, field: String) throws(PayloadError) {
        let bytes = text.utf8
        guard !bytes.isEmpty else { throw PayloadError(field: field, reason: "is empty") }
        guard bytes.count <= Self.maximumLength else {
            throw PayloadError(field: field, reason: "is longer than \(Self.maximumLength) characters")
        }
        for byte in bytes where !Self.isAllowed(byte) {
            let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
            throw PayloadError(field: field, reason: "contains \(shown); only A-Z a-z 0-9 _ . - are allowed")
        }
        rawValue = text
    }

    /// A level read from a topic's bytes; nil unless it is a valid one.
    init?(bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength, bytes.allSatisfy(Self.isAllowed) else { return nil }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// For text already checked byte by byte (the JSON scanner's `identifier()`).
    init(checked text: String) { rawValue = text }

    public var description: String { rawValue }

    public static func < (lhs: TopicLevel, rhs: TopicLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

extension TopicLevel: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text, field: decoder.codingPath.fieldName)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
