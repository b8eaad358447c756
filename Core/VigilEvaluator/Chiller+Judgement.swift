import VigilDomain

extension Chiller {
    /// A reading whose water temperatures contradict the direction heat flows; nil when they agree.
    func impossibility() -> Impossibility? {
        if let deltaT, let returnTemperature, deltaT < -Self.crossedTolerance {
            return .init(
                field: "chw_return_c", value: returnTemperature,
                reason:
                    "chilled-water return \(Evaluator.format(returnTemperature)) °C is colder than the supply "
                    + "\(Evaluator.format(supply ?? 0)) °C: a chiller cannot warm the water it cools",
                recommendation: "the supply and return sensors may be swapped; check their wiring and placement")
        }
        if let condenserIn, let condenserOut, condenserOut < condenserIn - Self.crossedTolerance {
            return .init(
                field: "cdw_out_c", value: condenserOut,
                reason:
                    "condenser water leaves at \(Evaluator.format(condenserOut)) °C, colder than it enters "
                    + "(\(Evaluator.format(condenserIn)) °C): a condenser only adds heat",
                recommendation: "the condenser entering and leaving sensors may be swapped; check them")
        }
        return nil
    }

    func findings() -> [Finding] {
        var findings: [Finding] = []
        if let finding = imbalanceFinding(
            phaseVoltages, metric: "phase_voltage_v", limits: Self.voltageImbalance, minimum: 0)
        {
            findings.append(finding)
        }
        if let finding = imbalanceFinding(
            phaseCurrents, metric: "phase_current_a", limits: Self.currentImbalance, minimum: Self.minimumPhaseCurrent)
        {
            findings.append(finding)
        }
        return findings
    }

    func derived() -> [String: Double] {
        var derived: [String: Double] = [:]
        if let deltaT { derived["delta_t_c"] = deltaT }
        if let cooling { derived["cooling_kw"] = cooling }
        if let tons { derived["tons"] = tons }
        if let kilowattsPerTon { derived["kw_per_ton"] = kilowattsPerTon }
        if let coefficientOfPerformance { derived["cop"] = coefficientOfPerformance }
        if let condenserApproach { derived["condenser_approach_c"] = condenserApproach }
        if let evaporatorApproach { derived["evaporator_approach_c"] = evaporatorApproach }
        if let imbalance = Self.imbalance(phaseCurrents) { derived["phase_current_imbalance_pct"] = imbalance }
        if let imbalance = Self.imbalance(phaseVoltages) { derived["phase_voltage_imbalance_pct"] = imbalance }
        return derived.mapValues(Evaluator.round)
    }

    private func imbalanceFinding(
        _ phases: [Double], metric: String, limits: (warning: Double, critical: Double), minimum: Double
    ) -> Finding? {
        guard let imbalance = Self.imbalance(phases), imbalance >= limits.warning,
            phases.reduce(0, +) / Double(phases.count) >= minimum
        else { return nil }
        let critical = imbalance >= limits.critical
        let quantity = metric == "phase_voltage_v" ? "voltage" : "current"
        return Finding(
            code: try! TopicLevel("phase_imbalance"), severity: critical ? .critical : .warning, metric: metric,
            value: Evaluator.round(imbalance), limit: critical ? limits.critical : limits.warning,
            message:
                "phase \(quantity) unbalance is \(Evaluator.format(imbalance)) % (NEMA: largest deviation over the mean)",
            recommendation:
                "check the supply voltages, the motor terminals and the starter contacts for a loose or burnt phase")
    }
}
