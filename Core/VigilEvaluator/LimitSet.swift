/// All limits by asset kind and metric name. Metrics named `jar_<metric>` apply to every jar's
/// `<metric>` of a string, so one rule covers 24 or 2,000 jars.
public struct LimitSet: Sendable, Equatable {
    public var kinds: [String: [String: MetricLimit]]

    public init(kinds: [String: [String: MetricLimit]]) { self.kinds = kinds }

    public static let jarPrefix = "jar_"

    /// Defaults for the built-in profiles: IEEE 1188 / manufacturer float windows for VRLA jars,
    /// ISO 10816 vibration zones for rotating machines, and typical chiller envelopes.
    public static let defaults = LimitSet(kinds: [
        "vrla_string": [
            "jar_voltage_v": MetricLimit(
                warnLow: 13.0, warnHigh: 14.1, critLow: 12.6, critHigh: 14.4, possibleLow: 0, possibleHigh: 16),
            "jar_temperature_c": MetricLimit(warnHigh: 35, critHigh: 45, possibleLow: -20, possibleHigh: 80),
            "jar_resistance_mohm": MetricLimit(warnHigh: 5.0, critHigh: 6.0, possibleLow: 0, weight: 2),
            "ambient_temperature_c": MetricLimit(warnHigh: 30, critHigh: 35, possibleLow: -20, possibleHigh: 80),
        ],
        "chiller": [
            "chw_supply_c": MetricLimit(
                warnLow: 4, warnHigh: 9, critLow: 2, critHigh: 12, possibleLow: -20, possibleHigh: 80),
            "refrigerant_sat_c": MetricLimit(warnHigh: 40, critHigh: 45, possibleLow: -20, possibleHigh: 80),
            "vibration_mm_s": MetricLimit(warnHigh: 4.5, critHigh: 7.1, possibleLow: 0),
            "power_kw": MetricLimit(warnHigh: 400, critHigh: 450, possibleLow: 0),
            "flow_lps": MetricLimit(warnLow: 30, critLow: 20, possibleLow: 0),
        ],
        "pump": [
            // ISO 10816-3 group 2, rigid: zone C (restricted operation) from 2.8, zone D from 4.5.
            "vibration_mm_s": MetricLimit(warnHigh: 2.8, critHigh: 4.5, possibleLow: 0, weight: 2),
            "motor_temperature_c": MetricLimit(warnHigh: 80, critHigh: 95, possibleLow: -20, possibleHigh: 150),
            "flow_lps": MetricLimit(warnLow: 30, critLow: 20, possibleLow: 0),
        ],
    ])
}
