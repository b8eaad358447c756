import VigilDomain

extension Evaluator {
    /// Steps the string's twin with this reading and adds what it says to `derived`: each jar's
    /// state of charge (the weakest and the mean), runtime left while discharging, the discharge
    /// so far, and the last completed discharge's delivered and implied capacity.
    ///
    /// Returns the twin's expected-against-actual voltage of the jar it expected least well.
    func twin(
        _ reading: Reading, _ string: VRLAString, state: inout EvaluatorState, derived: inout [String: Double]
    ) -> Evaluation.Residual? {
        let asset = reading.asset.rawValue
        var twin = state.twins[asset] ?? BatteryTwin()
        defer { state.twins[asset] = twin }
        let previous = twin.last
        guard
            let step = twin.step(
                time: reading.ts.millisecondsSinceEpoch, current: string.current,
                voltages: string.jars.map(\.voltage), temperatures: string.jars.map(\.temperature),
                resistances: string.jars.map(\.resistance), parameters: battery)
        else { return nil }
        if twin.last != previous { state.twinRevision += 1 }
        if let weakest = step.soc.min() {
            derived["soc_min_pct"] = Self.round(weakest * 100)
            derived["soc_mean_pct"] = Self.round(step.soc.reduce(0, +) / Double(step.soc.count) * 100)
        }
        if let runtime = step.runtimeMinutes { derived["runtime_min"] = Self.round(runtime) }
        if let discharge = twin.discharge {
            derived["discharge_ah"] = Self.round(discharge.ampereHours)
            derived["discharge_s"] = Self.round(discharge.seconds)
        }
        if let last = twin.last {
            derived["last_discharge_ah"] = Self.round(last.ampereHours)
            derived["last_discharge_s"] = Self.round(last.seconds)
            derived["last_discharge_soc_drop_pct"] = Self.round(last.socDrop * 100)
            if let capacity = last.capacity { derived["last_discharge_capacity_ah"] = Self.round(capacity) }
        }
        var worst: Evaluation.Residual?
        for (index, expected) in step.expected.enumerated() {
            guard let expected, let actual = string.jars[index].voltage else { continue }
            let z = (actual - expected) / BatteryTwin.voltageNoise
            if worst == nil || abs(z) > abs(worst!.z) {
                worst = Evaluation.Residual(
                    metric: Reading.jarMetricName(index, "voltage_v"), expected: Self.round(expected),
                    actual: Self.round(actual), z: Self.round(z))
            }
        }
        // How far the jar the model explains least departs from it, for the anomaly layer: a jar
        // whose voltage leaves its twin, reading after reading, is not behaving like its model.
        if let worst { derived["twin_voltage_residual_v"] = Self.round(abs(worst.actual - worst.expected)) }
        return worst
    }
}
