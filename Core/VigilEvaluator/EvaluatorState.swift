/// Everything the evaluator learns about a site and must not forget across a restart: each jar's
/// resistance baseline, each quantity's normal, each string's battery twin.
///
/// Kept as one file in the state directory, keyed by asset. Pure: the agent loads, saves and
/// passes it to every evaluation.
public struct EvaluatorState: Codable, Sendable, Equatable {
    var resistance = ResistanceBaselines()
    var metrics = MetricBaselines()
    var twins: [String: BatteryTwin] = [:]
    /// Counts completed discharges: the twins change with every reading, but only a discharge's
    /// summary is worth a write.
    var twinRevision: UInt64 = 0
    /// Recent cycles of units a learned RUL model judges. A C-MAPSS model's (one reading a cycle)
    /// are not saved: the window refills within its length of readings. A model of cycles in time
    /// (a day each) would need weeks to refill, so those are saved with the trends.
    var histories: [String: Evaluator.History] = [:]
    var lives: [String: StringLife] = [:]
    var chillers: [String: ChillerLife] = [:]
    var vibrations: [String: VibrationLife] = [:]
    /// Counts completed trend points (one an ageing hour a jar).
    var lifeRevision: UInt64 = 0

    public init() {}

    /// Grows whenever a baseline or a discharge was learned; the agent writes the file within a
    /// minute of it.
    public var revision: UInt64 { resistance.revision &+ metrics.revision &+ twinRevision }
    /// Grows with every hourly trend point; a whole site's trends change every minute, so the
    /// agent writes them at most hourly (a crash loses an hour of trend, never a baseline).
    public var trendRevision: UInt64 { lifeRevision }

    enum CodingKeys: String, CodingKey { case resistance, metrics, twins, lives, chillers, vibrations, cycles }

    /// A part missing from the file (written by an older build) starts empty instead of making the
    /// whole file unreadable, so an upgrade keeps what was learned.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        resistance = try container.decodeIfPresent(ResistanceBaselines.self, forKey: .resistance) ?? .init()
        metrics = try container.decodeIfPresent(MetricBaselines.self, forKey: .metrics) ?? .init()
        twins = try container.decodeIfPresent([String: BatteryTwin].self, forKey: .twins) ?? [:]
        lives = try container.decodeIfPresent([String: StringLife].self, forKey: .lives) ?? [:]
        chillers = try container.decodeIfPresent([String: ChillerLife].self, forKey: .chillers) ?? [:]
        vibrations = try container.decodeIfPresent([String: VibrationLife].self, forKey: .vibrations) ?? [:]
        histories = try container.decodeIfPresent([String: Evaluator.History].self, forKey: .cycles) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(resistance, forKey: .resistance)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(twins, forKey: .twins)
        try container.encode(lives, forKey: .lives)
        try container.encode(chillers, forKey: .chillers)
        try container.encode(vibrations, forKey: .vibrations)
        try container.encode(histories.filter { $0.value.cycleStart != nil }, forKey: .cycles)
    }
}
