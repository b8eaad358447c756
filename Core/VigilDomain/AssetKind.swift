/// The asset profile a reading belongs to; it picks the physics and limits the evaluator applies.
///
/// Open-ended rather than an enum: a replayed CSV of any sensor is a valid `generic` asset, and a
/// profile this build does not know is evaluated as generic instead of being refused.
public struct AssetKind: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) throws(PayloadError) {
        self.rawValue = try TopicLevel(rawValue, field: "kind").rawValue
    }

    private init(known: String) { rawValue = known }

    public static let vrlaString = AssetKind(known: "vrla_string")
    public static let chiller = AssetKind(known: "chiller")
    public static let pump = AssetKind(known: "pump")
    public static let generic = AssetKind(known: "generic")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        rawValue = try TopicLevel(text, field: decoder.codingPath.fieldName).rawValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
