import VigilDomain
import VigilRuntime
import VigilSimulator

/// A fault to inject: from `collector.simulator.scenarios` at start, or from a JSON command on
/// `command/simulator` while running, so tests and demos put a known failure at a known time.
///
/// `{"asset": "pump-1", "scenario": "bearing_wear", "days": 30}`; parameters by scenario:
/// `demo_jar_failure` jar; `thermal_runaway` jar, hours; `open_connection` jar, milliohm;
/// `hvac_failure` time_constant_hours; `bearing_wear`, `imbalance`, `condenser_fouling`,
/// `refrigerant_leak`, `phase_imbalance` days (until the failure criterion); `misalignment`
/// mm_per_second; `vibration_episodes` period_s, duration_s, mm_per_second.
struct ScenarioRequest: Sendable {
    var asset: TopicLevel
    var scenario: Scenario
    /// Simulated seconds after the start of the simulation (configuration only).
    var start: Double

    static let names = [
        "demo_jar_failure", "thermal_runaway", "open_connection", "hvac_failure", "bearing_wear", "imbalance",
        "misalignment", "vibration_episodes", "condenser_fouling", "refrigerant_leak", "phase_imbalance",
    ]

    init(_ node: ConfigNode, allowStart: Bool) throws(ConfigError) {
        let name = try node.string("scenario", default: "")
        let parameters: Set<String>
        switch name {
        case "demo_jar_failure": parameters = ["jar"]
        case "thermal_runaway": parameters = ["jar", "hours"]
        case "open_connection": parameters = ["jar", "milliohm"]
        case "hvac_failure": parameters = ["time_constant_hours"]
        case "bearing_wear", "imbalance", "condenser_fouling", "refrigerant_leak", "phase_imbalance":
            parameters = ["days"]
        case "misalignment": parameters = ["mm_per_second"]
        case "vibration_episodes": parameters = ["period_s", "duration_s", "mm_per_second"]
        default:
            throw ConfigError(
                key: node.key("scenario"), reason: "expected one of \(Self.names.joined(separator: ", "))")
        }
        try node.requireOnly(parameters.union(["asset", "scenario"]).union(allowStart ? ["start_s"] : []))
        let assetName = try node.string("asset", default: "")
        do {
            asset = try TopicLevel(assetName, field: "asset")
        } catch {
            throw ConfigError(key: node.key("asset"), reason: error.reason)
        }
        start = try node.double("start_s", default: 0, in: 0...1e10)
        func jar() throws(ConfigError) -> Int { try node.int("jar", default: 1, in: 1...SimulatedSite.jarsPerString) }
        func positive(_ key: String, _ fallback: Double) throws(ConfigError) -> Double {
            try node.double(key, default: fallback, in: 1e-6...1e9)
        }
        switch name {
        case "demo_jar_failure": scenario = .demoJarFailure(jar: try jar())
        case "thermal_runaway": scenario = .thermalRunaway(jar: try jar(), hours: try positive("hours", 6))
        case "open_connection": scenario = .openConnection(jar: try jar(), milliohm: try positive("milliohm", 20))
        case "hvac_failure": scenario = .hvacFailure(timeConstantHours: try positive("time_constant_hours", 3))
        case "bearing_wear": scenario = .bearingWear(days: try positive("days", 60))
        case "imbalance": scenario = .imbalance(days: try positive("days", 30))
        case "condenser_fouling": scenario = .condenserFouling(days: try positive("days", 90))
        case "refrigerant_leak": scenario = .refrigerantLeak(days: try positive("days", 30))
        case "phase_imbalance": scenario = .phaseImbalance(days: try positive("days", 30))
        case "misalignment": scenario = .misalignment(mmPerSecond: try positive("mm_per_second", 3))
        default:
            scenario = .vibrationEpisodes(
                period: try positive("period_s", 120), duration: try positive("duration_s", 30),
                mmPerSecond: try positive("mm_per_second", 5.8))
        }
    }
}
