/// Everything the evaluator learns about a site and must not forget across a restart: each jar's
/// resistance baseline, each quantity's normal, each string's battery twin.
///
/// Kept as one file in the state directory, keyed by asset. Pure: the agent loads, saves and
/// passes it to every evaluation.
public struct EvaluatorState: Codable, Sendable, Equatable {
    var resistance = ResistanceBaselines()
    var metrics = MetricBaselines()

    public init() {}

    /// Grows whenever something worth saving was learned; the agent writes the file only then.
    public var revision: UInt64 { resistance.revision &+ metrics.revision }

    enum CodingKeys: String, CodingKey { case resistance, metrics }

    /// A part missing from the file (written by an older build) starts empty instead of making the
    /// whole file unreadable, so an upgrade keeps what was learned.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        resistance = try container.decodeIfPresent(ResistanceBaselines.self, forKey: .resistance) ?? .init()
        metrics = try container.decodeIfPresent(MetricBaselines.self, forKey: .metrics) ?? .init()
    }
}
