import VigilDomain

extension Evaluator {
    /// One quantity compared with its own learned normal.
    struct Watched: Sendable, Equatable {
        var metric: String
        /// The baseline's key: the metric, and for load-dependent quantities the load's bin.
        var key: String
        var value: Double
        /// The smallest spread its sensors resolve (see `MetricBaselines.observe`).
        var floor: Double
    }

    /// The anomaly layer's verdict on one reading.
    struct Anomalies: Sendable {
        var findings: [Finding] = []
        var residuals: [Evaluation.Residual] = []
        var contributions: [Evaluation.Contribution] = []
    }

    /// What each profile watches against its own history: machines' load-dependent quantities,
    /// any other kind's every metric, and a battery string's twin residual.
    func watched(_ reading: Reading, derived: [String: Double]) -> [Watched] {
        let scalars = reading.values.scalars
        switch reading.kind {
        case .vrlaString:
            // Jars are judged against each other and their resistance baselines; what is watched
            // here is the twin's residual, learned while the string carries current off float.
            return derived["twin_voltage_residual_v"].map {
                [Watched(metric: "twin_voltage_residual_v", key: "twin_voltage_residual_v", value: $0, floor: 0.02)]
            } ?? []
        case .chiller:
            // A chiller that is off or barely loaded has no meaningful approach or efficiency.
            guard let cooling = derived["cooling_kw"], cooling >= Chiller.minimumCooling else { return [] }
            let load = "@\(Self.bin(cooling, anomaly.chillerLoadBin))kw"
            var list: [Watched] = []
            if let approach = derived["condenser_approach_c"] {
                list.append(
                    Watched(
                        metric: "condenser_approach_c", key: "condenser_approach_c" + load, value: approach, floor: 0.2)
                )
            }
            if let approach = derived["evaporator_approach_c"] {
                list.append(
                    Watched(
                        metric: "evaporator_approach_c", key: "evaporator_approach_c" + load, value: approach,
                        floor: 0.2))
            }
            if let efficiency = derived["kw_per_ton"], let entering = scalars["cdw_in_c"] {
                // kW/ton follows the tower water as much as the load: both pick the bin.
                let tower = "/\(Self.bin(entering, anomaly.condenserBin))c"
                list.append(
                    Watched(metric: "kw_per_ton", key: "kw_per_ton" + load + tower, value: efficiency, floor: 0.02))
            }
            if let deltaT = derived["delta_t_c"] {
                list.append(Watched(metric: "delta_t_c", key: "delta_t_c" + load, value: deltaT, floor: 0.2))
            }
            if let vibration = scalars["vibration_mm_s"] {
                list.append(Watched(metric: "vibration_mm_s", key: "vibration_mm_s", value: vibration, floor: 0.15))
            }
            return list
        case .pump:
            guard let flow = scalars["flow_lps"], flow > 0 else { return [] }
            // A pump on a drive runs at many speeds; each speed and flow has its own normal.
            let speed = scalars["speed_rpm"].map { "/\(Self.bin($0, anomaly.pumpSpeedBin))rpm" } ?? ""
            let bin = "@\(Self.bin(flow, anomaly.pumpFlowBin))lps" + speed
            // Motor temperature follows the plant room by a few kelvin over a season; its floor
            // keeps that from reading as a fault.
            let quantities: [(String, Double)] = [
                ("vibration_mm_s", 0.15), ("motor_temperature_c", 2.0), ("power_kw", 0.1),
            ]
            return quantities.compactMap { metric, floor in
                scalars[metric].map { Watched(metric: metric, key: metric + bin, value: $0, floor: floor) }
            }
        default:
            // Generic: every plain metric against its own history, with no physics.
            // A counter (C-MAPSS's `cycle`) only ever grows: its "anomaly" is the passing of time.
            return scalars.filter { !Self.counters.contains($0.key) }.sorted { $0.key < $1.key }.map { metric, value in
                Watched(metric: metric, key: metric, value: value, floor: max(1e-6, 0.005 * abs(value)))
            }
        }
    }

    /// Compares each watched quantity with its baseline (learning it first), and reports those
    /// that have strayed for `persistence` readings in a row: `watch` beyond `watch_z`, a warning
    /// beyond `warning_z`. A chiller's condenser approach is judged in kelvin over its baseline at
    /// the same load instead, which is how makers state when tubes need cleaning.
    func anomalies(_ reading: Reading, derived: [String: Double], baselines: inout MetricBaselines) -> Anomalies {
        var result = Anomalies()
        let asset = reading.asset.rawValue
        for quantity in watched(reading, derived: derived) {
            guard
                let deviation = baselines.observe(
                    asset: asset, key: quantity.key, value: quantity.value, floor: quantity.floor, policy: anomaly)
            else { continue }
            result.residuals.append(
                Evaluation.Residual(
                    metric: quantity.metric, expected: Self.round(deviation.expected),
                    actual: Self.round(quantity.value), z: Self.round(deviation.z)))
            var finding: Finding?
            if deviation.streak >= anomaly.persistence {
                if reading.kind == .chiller && quantity.metric == "condenser_approach_c" {
                    finding = approachRise(quantity.value, expected: deviation.expected)
                }
                finding = finding ?? anomalyFinding(quantity, deviation)
            }
            result.contributions.append(
                Evaluation.Contribution(
                    metric: quantity.metric, score: Self.score(finding?.severity), weight: 1, contribution: 0))
            if let finding { result.findings.append(finding) }
        }
        return result
    }

    private func approachRise(_ approach: Double, expected: Double) -> Finding? {
        let rise = approach - expected
        guard rise >= anomaly.approachWarning else { return nil }
        let critical = rise >= anomaly.approachCritical
        return Finding(
            code: try! TopicLevel("approach_rise"), severity: critical ? .critical : .warning,
            metric: "condenser_approach_c", value: Self.round(rise),
            limit: critical ? anomaly.approachCritical : anomaly.approachWarning,
            message:
                "condenser approach \(Self.format(approach)) K is \(Self.format(rise)) K above its baseline "
                + "\(Self.format(expected)) K at this load",
            recommendation:
                critical
                ? "clean the condenser tubes; the chiller is losing efficiency and capacity"
                : "plan a condenser tube cleaning and check the cooling-tower water treatment")
    }

    private func anomalyFinding(_ quantity: Watched, _ deviation: MetricBaselines.Deviation) -> Finding? {
        let magnitude = abs(deviation.z)
        guard magnitude >= anomaly.watchZ else { return nil }
        let warning = magnitude >= anomaly.warningZ
        let stem = Self.stem(quantity.metric)
        let code = (try? TopicLevel("\(stem)_anomaly")) ?? (try! TopicLevel("metric_anomaly"))
        let side = deviation.z > 0 ? "above" : "below"
        return Finding(
            code: code, severity: warning ? .warning : .info, metric: quantity.metric,
            value: Self.round(deviation.z), limit: warning ? anomaly.warningZ : anomaly.watchZ,
            message:
                "\(quantity.metric) \(Self.format(quantity.value)) has been \(side) its usual "
                + "\(Self.format(deviation.expected)) for \(deviation.streak) readings (z \(Self.format(deviation.z)))",
            recommendation: Self.anomalyRecommendation(stem))
    }

    static func anomalyRecommendation(_ stem: String) -> String {
        switch stem {
        case "condenser_approach": return "check the condenser tubes for fouling and the cooling-tower water treatment"
        case "evaporator_approach":
            return "check the refrigerant charge for a leak and the evaporator tubes for fouling"
        case "kw_per_ton": return "check the approaches, the refrigerant charge and the compressor"
        case "delta_t": return "check chilled-water flow and the coil valves (low ΔT)"
        case "vibration": return "trend the vibration spectrum; inspect bearings, alignment and mounting"
        case "motor_temperature": return "check the motor's cooling, its bearings and its load"
        case "power": return "check the impeller, the valves and the motor"
        case "twin_voltage_residual": return "a jar departs from its model under load: test the string's capacity"
        default: return "compare \(stem) with its usual range on site and check the sensor"
        }
    }

    static let counters: Set<String> = ["cycle"]

    /// The bin a load falls in; `Int` conversion is guarded because a reading can be absurdly large.
    static func bin(_ value: Double, _ width: Double) -> Int {
        let index = (value / width).rounded(.down)
        return index.isFinite ? Int(max(-1e9, min(1e9, index))) : 0
    }
}
