import VigilDomain

extension Evaluator {
    /// A string's float current this many times its own steady value is thermal runaway: a
    /// drying jar recombines ever more oxygen, heats, and draws more (IEEE 1188 / 1491 practice).
    static let runawayCurrentRatio = 3.0
    /// After a discharge the charger's current tapers for hours; that is recharge, not runaway.
    static let recoveryMilliseconds: Int64 = 12 * 3_600_000
    /// The least rise over the steady float current that counts, A: a few sensor counts.
    static let runawayCurrentRise = 0.25

    /// Learns the string's steady float current and flags `thermal_runaway` once the current has
    /// stayed above `runawayCurrentRatio` times it for the persistence window. Only on float, and
    /// not within `recoveryMilliseconds` of a discharge.
    func floatCurrent(_ reading: Reading, _ string: VRLAString, state: inout EvaluatorState) -> (
        finding: Finding?, residual: Evaluation.Residual?
    ) {
        let asset = reading.asset.rawValue
        guard let current = string.current, string.isAtRest, let volts = string.mean(\.voltage),
            BatteryTwin.floats(volts, string.ambient ?? 25)
        else { return (nil, nil) }
        if let twin = state.twins[asset] {
            if twin.discharge != nil { return (nil, nil) }
            if let last = twin.last, reading.ts.millisecondsSinceEpoch - last.ended < Self.recoveryMilliseconds {
                return (nil, nil)
            }
        }
        let magnitude = abs(current)
        guard
            let deviation = state.metrics.observe(
                asset: asset, key: "float_current_a", value: magnitude, floor: 0.02, policy: anomaly)
        else { return (nil, nil) }
        let residual = Evaluation.Residual(
            metric: "float_current_a", expected: Self.round(deviation.expected), actual: Self.round(magnitude),
            z: Self.round(deviation.z))
        let ratio = magnitude / max(deviation.expected, 1e-6)
        // And a real rise: a sensor reading 0.0 A at float would make any current a huge ratio.
        guard ratio >= Self.runawayCurrentRatio, magnitude - deviation.expected >= Self.runawayCurrentRise,
            deviation.streak >= anomaly.persistence
        else { return (nil, residual) }
        let finding = Finding(
            code: try! TopicLevel("thermal_runaway"), severity: .critical, metric: "string_current_a",
            value: Self.round(ratio), limit: Self.runawayCurrentRatio,
            message:
                "the float current \(Self.format(magnitude)) A is \(Self.format(ratio))× the string's steady "
                + "\(Self.format(deviation.expected)) A",
            recommendation:
                "reduce the float voltage or open the string now; find the hot jar and check it for swelling")
        return (finding, residual)
    }
}
