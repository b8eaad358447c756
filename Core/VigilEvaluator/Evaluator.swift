public import VigilDomain
import VigilPrognostics

/// Judges one reading against hard limits and scores the asset's health. Pure: no I/O, no clock.
public struct Evaluator: Sendable {
    public var limits: LimitSet
    public var anomaly: AnomalyPolicy
    /// Health weights by asset kind and component (a metric or a check code); they override the
    /// limits' own weights, so a chiller's score follows the weights its operators agreed on.
    public var weights: [String: [String: Double]]
    var battery = BatteryTwin.Parameters()
    /// Strict mode refuses a reading that raised a doubt about its own data (`doubtfulCodes`)
    /// instead of judging it, for sites that would rather lose a reading than learn from a bad one.
    public var strict = false
    public var rul = PrognosisSettings()

    /// Findings that question the data rather than the equipment.
    static let doubtfulCodes: Set<String> = ["sense_mismatch"]

    public init(
        limits: LimitSet = .defaults, anomaly: AnomalyPolicy = AnomalyPolicy(),
        weights: [String: [String: Double]] = Self.defaultWeights
    ) {
        self.limits = limits
        self.anomaly = anomaly
        self.weights = weights
    }

    /// Chillers: what their operators weigh (vibration 35, approach 25, phase imbalance 20,
    /// kW/ton 15, ΔT 5). Their other limits still raise findings and set the severity; they do
    /// not move the score unless weighted here.
    public static let defaultWeights: [String: [String: Double]] = [
        "chiller": [
            "vibration_mm_s": 35, "condenser_approach_c": 25, "phase_imbalance": 20, "kw_per_ton": 15,
            "delta_t_c": 5, "chw_supply_c": 0, "refrigerant_sat_c": 0, "power_kw": 0, "flow_lps": 0,
        ]
    ]

    public enum Outcome: Sendable, Equatable {
        case evaluated(Evaluation)
        /// The reading is physically impossible; it is published on `rejected/<asset>` instead.
        case impossible(Rejection)
    }

    /// Without anything learned: every check but those against baselines.
    public func evaluate(_ reading: Reading) -> Outcome {
        var none = EvaluatorState()
        return evaluate(reading, state: &none)
    }

    /// - Parameter state: what was learned so far; it learns from every plausible reading.
    public func evaluate(_ reading: Reading, state: inout EvaluatorState) -> Outcome {
        let rules = limits.kinds[reading.kind.rawValue] ?? [:]
        var findings: [Finding] = []
        var breakdown: [Evaluation.Contribution] = []
        // The float window means nothing while current flows: a discharging jar at 12.6 V is
        // doing its job, and a recharging one is below float until it is nearly full. Then only
        // a jar driven below 1.75 V/cell, where cells reverse, is low.
        let floating =
            reading.kind != .vrlaString || VRLAString.floats(current: reading.values.scalars["string_current_a"])
        for (metric, rule) in rules.sorted(by: { $0.key < $1.key }) {
            var limit = rule
            if !floating && metric == "jar_voltage_v" {
                limit.warnLow = nil
                limit.critLow = VRLAString.endOfDischarge
            }
            var worst: (verdict: MetricLimit.Verdict, value: Double, jar: Int?, label: String)?
            for (value, jar) in samples(of: metric, in: reading.values) {
                let label =
                    jar.map { Reading.jarMetricName($0 - 1, String(metric.dropFirst(LimitSet.jarPrefix.count))) }
                    ?? metric
                if let reason = limit.impossibility(value) {
                    return .impossible(
                        Rejection(
                            reading: reading, field: label, value: value, reason: "\(label) = \(value) is \(reason)",
                            recommendation: "check the sensor and its wiring for \(label)"))
                }
                let verdict = limit.judge(value)
                if worst == nil || verdict.score < worst!.verdict.score {
                    worst = (verdict, value, jar, label)
                }
                if let severity = verdict.severity {
                    findings.append(
                        Self.finding(
                            metric: metric, label: label, jar: jar, value: value, verdict: verdict, severity: severity))
                }
            }
            if let worst {
                breakdown.append(
                    Evaluation.Contribution(
                        metric: worst.label, score: worst.verdict.score, weight: limit.weight, contribution: 0))
            }
        }
        var derived: [String: Double]?
        var stringResiduals: [Evaluation.Residual] = []
        var life: Evaluation.RemainingLife?
        var soh: Double?
        var forecasts: [Evaluation.Forecast] = []
        var impossible: Impossibility?
        switch reading.kind {
        case .vrlaString:
            let string = VRLAString(reading.values)
            let own = string.findings()
            impossible = string.impossibility() ?? doubt(own)
            guard impossible == nil else { break }
            // What the baseline would make of this reading is judged before it learns from it.
            let stringFindings = own + state.resistance.findings(asset: reading.asset.rawValue, string: string)
            state.resistance.observe(asset: reading.asset.rawValue, resistances: string.jars.map(\.resistance))
            findings += stringFindings
            breakdown += Self.stringContributions(stringFindings)
            var values = string.derived()
            stringResiduals += [twin(reading, string, state: &state, derived: &values)].compactMap { $0 }
            let float = floatCurrent(reading, string, state: &state)
            if let finding = float.finding {
                findings.append(finding)
                breakdown += Self.stringContributions([finding])
            }
            stringResiduals += [float.residual].compactMap { $0 }
            // After the resistance baselines have seen this reading, so a jar's health trend
            // starts from the reading that set its baseline.
            let prognosis = stringLife(reading, string, state: &state)
            findings += prognosis.findings
            breakdown += Self.contributions(prognosis.findings, checks: [("soh_low", 1), ("rul_short", 1)])
            soh = prognosis.soh
            life = prognosis.life
            forecasts = prognosis.forecasts
            if let measured = state.twins[reading.asset.rawValue]?.measured, let capacity = measured.capacity,
                reading.ts.millisecondsSinceEpoch - measured.ended < Self.capacityValidity
            {
                values["soh_capacity_pct"] = Self.round(capacity / battery.capacity * 100)
            }
            derived = values.isEmpty ? nil : values
        case .chiller:
            let chiller = Chiller(reading.values)
            let chillerFindings = chiller.findings()
            impossible = chiller.impossibility() ?? doubt(chillerFindings)
            guard impossible == nil else { break }
            let fouling = chillerLife(reading, chiller, state: &state)
            // A stopped machine's vibration is noise, not its normal.
            let running = (chiller.cooling ?? 0) >= Chiller.minimumCooling
            let vibration = running ? vibrationLife(reading, state: &state) : (forecasts: [], life: nil)
            // A model learned from this site's own failed chillers, when configured for them, speaks first.
            life = learnedLife(reading, state: &state) ?? Self.sooner(fouling.life, vibration.life)
            forecasts = fouling.forecasts + vibration.forecasts
            let lifeFindings = machineLifeFindings(life)
            findings += chillerFindings + lifeFindings
            breakdown += Self.contributions(chillerFindings, checks: [("phase_imbalance", 1)])
            breakdown += Self.contributions(lifeFindings, checks: [("rul_short", 1)])
            derived = chiller.derived()
        case .pump:
            derived = reading.values.scalars["vibration_mm_s"].map { ["iso10816_zone": Self.vibrationZone($0)] }
            let running = (reading.values.scalars["flow_lps"] ?? 1) > 0
            let vibration = running ? vibrationLife(reading, state: &state) : (forecasts: [], life: nil)
            life = learnedLife(reading, state: &state) ?? vibration.life
            forecasts = vibration.forecasts
            let lifeFindings = machineLifeFindings(life)
            findings += lifeFindings
            breakdown += Self.contributions(lifeFindings, checks: [("rul_short", 1)])
        default:
            life = learnedLife(reading, state: &state)
        }
        if let impossible {
            return .impossible(
                Rejection(
                    reading: reading, field: impossible.field, value: impossible.value, reason: impossible.reason,
                    recommendation: impossible.recommendation))
        }
        // Only a plausible reading reaches the baselines: a swapped sensor must not become normal.
        var anomalies = anomalies(reading, derived: derived ?? [:], baselines: &state.metrics)
        anomalies.residuals += stringResiduals
        // One symptom, one alarm: a metric already past its limit needs no anomaly of the same
        // or a lower severity beside it (its score still counts in the health).
        let limited = findings.reduce(into: [String: Severity]()) { worst, finding in
            worst[finding.metric] = max(worst[finding.metric] ?? finding.severity, finding.severity)
        }
        findings += anomalies.findings.filter { anomaly in
            !anomaly.code.rawValue.hasSuffix("_anomaly")
                || (limited[anomaly.metric].map { $0 < anomaly.severity } ?? true)
        }
        breakdown += anomalies.contributions
        var evaluation = Evaluation(
            site: reading.site, asset: reading.asset, kind: reading.kind, seq: reading.seq, ts: reading.ts,
            health: Self.health(breakdown, weights: weights[reading.kind.rawValue] ?? [:]), findings: findings,
            derived: derived, residuals: anomalies.residuals.isEmpty ? nil : anomalies.residuals)
        evaluation.soh = soh
        evaluation.rul = life
        evaluation.forecasts = forecasts.isEmpty ? nil : forecasts.sorted { $0.p50 < $1.p50 }
        return .evaluated(evaluation)
    }

    /// In strict mode, the first finding that doubts the data, as a refusal.
    func doubt(_ findings: [Finding]) -> Impossibility? {
        guard strict, let doubt = findings.first(where: { Self.doubtfulCodes.contains($0.code.rawValue) }) else {
            return nil
        }
        return Impossibility(
            field: doubt.metric, value: doubt.value, reason: "strict mode: \(doubt.message)",
            recommendation: doubt.recommendation)
    }

    /// A string's own checks in the health score: the worst finding of each kind counts, so one
    /// bad jar pulls the whole string down (the worst jar dominates). Weights match the jar limits'.
    static func stringContributions(_ findings: [Finding]) -> [Evaluation.Contribution] {
        contributions(
            findings,
            checks: [
                ("jar_voltage_deviation", 1), ("thermal_runaway", 3), ("connection_resistance_high", 1),
                ("jar_resistance_rise", 2),
            ])
    }

    /// ISO 10816-3, group 2 (15–300 kW) on rigid foundations: zone A (new) below 1.4 mm/s, B
    /// (unrestricted long-term) below 2.8, C (restricted) below 4.5, D (damage occurs) above; 1–4.
    static func vibrationZone(_ velocity: Double) -> Double {
        velocity < 1.4 ? 1 : velocity < 2.8 ? 2 : velocity < 4.5 ? 3 : 4
    }

    /// A profile's own checks in the health score, scored by the worst finding of each code.
    static func contributions(_ findings: [Finding], checks: [(code: String, weight: Double)])
        -> [Evaluation.Contribution]
    {
        checks.map { check in
            let worst = findings.filter { $0.code.rawValue == check.code }.map(\.severity).max()
            return Evaluation.Contribution(
                metric: check.code, score: Self.score(worst), weight: check.weight, contribution: 0)
        }
    }

    /// A check's score from its worst finding: 100 without one, 75 watch, 50 warning, 0 critical.
    static func score(_ worst: Severity?) -> Double {
        switch worst {
        case .critical: 0
        case .warning: 50
        case .info: 75
        case nil: 100
        }
    }

    /// Weighted mean of per-metric scores; each contribution is its share of the total, so the
    /// breakdown adds up to the score and the operator sees what pulls it down. A metric judged by
    /// several layers (its limit and its baseline) counts once, at its worst score.
    static func health(_ contributions: [Evaluation.Contribution], weights: [String: Double] = [:])
        -> Evaluation.Health
    {
        var items: [Evaluation.Contribution] = []
        var index: [String: Int] = [:]
        index.reserveCapacity(contributions.count)
        for item in contributions {
            if let at = index[item.metric] {
                items[at].score = min(items[at].score, item.score)
                items[at].weight = max(items[at].weight, item.weight)
            } else {
                index[item.metric] = items.count
                items.append(item)
            }
        }
        for at in items.indices { items[at].weight = weights[items[at].metric] ?? items[at].weight }
        let totalWeight = items.reduce(0) { $0 + $1.weight }
        guard totalWeight > 0 else { return Evaluation.Health(score: 100, primaryConcern: nil, breakdown: []) }
        var breakdown = items
        for index in breakdown.indices {
            breakdown[index].contribution = Self.round(breakdown[index].score * breakdown[index].weight / totalWeight)
            breakdown[index].score = Self.round(breakdown[index].score)
        }
        let score = Self.round(items.reduce(0) { $0 + $1.score * $1.weight } / totalWeight)
        // A component weighted 0 costs no points, so it is no one's primary concern.
        let concern = items.filter { $0.score < 100 && $0.weight > 0 }.max {
            ($0.weight * (100 - $0.score)) < ($1.weight * (100 - $1.score))
        }
        return Evaluation.Health(score: score, primaryConcern: concern?.metric, breakdown: breakdown)
    }

    private func samples(of metric: String, in values: Reading.Values) -> [(Double, Int?)] {
        if metric.hasPrefix(LimitSet.jarPrefix) {
            let name = String(metric.dropFirst(LimitSet.jarPrefix.count))
            return values.jars.enumerated().compactMap { index, jar in jar[name].map { ($0, index + 1) } }
        }
        if let value = values.scalars[metric] { return [(value, nil)] }
        return (values.series[metric] ?? []).map { ($0, nil) }
    }

    private static func finding(
        metric: String, label: String, jar: Int?, value: Double, verdict: MetricLimit.Verdict, severity: Severity
    ) -> Finding {
        let side = verdict.high ? "high" : "low"
        // Metric names are checked when limits are loaded; the fallback only guards that promise.
        let code = (try? TopicLevel("\(Self.stem(metric))_\(side)")) ?? (try! TopicLevel("limit_\(side)"))
        let subject =
            jar.map { "jar \($0) \(Self.stem(String(metric.dropFirst(LimitSet.jarPrefix.count))))" }
            ?? Self.stem(metric)
        let message =
            "\(subject.replacingUnderscores) \(Self.format(value)) is \(verdict.high ? "above" : "below") "
            + "the \(severity.rawValue) limit \(Self.format(verdict.limit))"
        return Finding(
            code: code, severity: severity, metric: label, jar: jar, value: Self.round(value), limit: verdict.limit,
            message: message, recommendation: Self.recommendation(metric: metric, high: verdict.high, jar: jar))
    }

    static func recommendation(metric: String, high: Bool, jar: Int?) -> String {
        let jarText = jar.map { "jar \($0)" } ?? "the asset"
        switch (metric, high) {
        case ("jar_resistance_mohm", true): return "schedule a capacity test of \(jarText) and plan its replacement"
        case ("jar_voltage_v", false): return "check \(jarText) for a shorted cell or a loose connection"
        case ("jar_voltage_v", true): return "check the charger float setting and \(jarText) for dry-out"
        case ("jar_temperature_c", true): return "check \(jarText) for thermal runaway and the room cooling"
        case ("vibration_mm_s", true): return "inspect mounting, alignment and bearings"
        default: return "inspect \(jarText) and confirm the reading on site"
        }
    }

    /// `jar_resistance_mohm` → `jar_resistance`: reason codes name the quantity, not the unit.
    static func stem(_ metric: String) -> String {
        for unit in ["_mohm", "_mm_s", "_kpa", "_lps", "_rpm", "_kw", "_pct", "_v", "_c", "_a"]
        where metric.hasSuffix(unit) && metric.count > unit.count {
            return String(metric.dropLast(unit.count))
        }
        return metric
    }

    /// Three decimals; values too large to scale are returned as they are (a reading of 1e300
    /// is absurd, but must not crash the agent or produce an infinity JSON cannot carry).
    static func round(_ value: Double) -> Double {
        let scaled = value * 1000
        return scaled.isFinite ? scaled.rounded() / 1000 : value
    }

    static func format(_ value: Double) -> String {
        let rounded = round(value)
        guard abs(rounded) < 1e15 else { return String(rounded) }
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
