import VigilRuntime

/// How the evaluator tells an anomaly from noise: how long it learns, how many robust standard
/// deviations make a reading worth watching or a warning, and for how many readings in a row.
///
/// The persistence window is what keeps one noisy sample, or one gust of load, from reaching an
/// operator: a deviation is reported only once it has held for `persistence` readings.
public struct AnomalyPolicy: Sendable, Equatable {
    public var learnCount = 30
    public var watchZ = 4.0
    public var warningZ = 8.0
    public var persistence = 5
    /// Chillers: width of a load bin; approach and kW/ton are learned per bin.
    public var chillerLoadBin = 50.0
    /// Chillers: condenser-water entering temperature bin of kW/ton, which follows the tower.
    public var condenserBin = 2.0
    /// Chillers: condenser approach above its baseline at the same load (ASHRAE Guideline 22 and
    /// chiller makers: clean the tubes at 2–3 K over the clean approach).
    public var approachWarning = 2.0
    public var approachCritical = 3.0
    /// Pumps: width of a flow bin; vibration, motor temperature and power are learned per bin.
    public var pumpFlowBin = 2.0
    /// Pumps: width of a speed bin. A fixed-speed pump's slip keeps it in one; a drive's pump
    /// gets one per speed band.
    public var pumpSpeedBin = 100.0

    public init() {}

    static let keys: Set<String> = [
        "learn_samples", "watch_z", "warning_z", "persistence", "chiller_load_bin_kw", "condenser_bin_c",
        "approach_warning_k", "approach_critical_k", "pump_flow_bin_lps", "pump_speed_bin_rpm",
    ]

    init(config node: ConfigNode) throws(ConfigError) {
        try node.requireOnly(Self.keys)
        let base = AnomalyPolicy()
        learnCount = try node.int("learn_samples", default: base.learnCount, in: 5...100_000)
        watchZ = try node.double("watch_z", default: base.watchZ, in: 1...1000)
        warningZ = try node.double("warning_z", default: base.warningZ, in: 1...1000)
        guard warningZ >= watchZ else {
            throw ConfigError(key: node.path + ".warning_z", reason: "\(warningZ) must not be below watch_z \(watchZ)")
        }
        persistence = try node.int("persistence", default: base.persistence, in: 1...10_000)
        chillerLoadBin = try node.double("chiller_load_bin_kw", default: base.chillerLoadBin, in: 1...100_000)
        condenserBin = try node.double("condenser_bin_c", default: base.condenserBin, in: 0.1...100)
        approachWarning = try node.double("approach_warning_k", default: base.approachWarning, in: 0.1...50)
        approachCritical = try node.double("approach_critical_k", default: base.approachCritical, in: 0.1...50)
        guard approachCritical >= approachWarning else {
            throw ConfigError(
                key: node.path + ".approach_critical_k",
                reason: "\(approachCritical) must not be below approach_warning_k \(approachWarning)")
        }
        pumpFlowBin = try node.double("pump_flow_bin_lps", default: base.pumpFlowBin, in: 0.01...100_000)
        pumpSpeedBin = try node.double("pump_speed_bin_rpm", default: base.pumpSpeedBin, in: 1...100_000)
    }
}
