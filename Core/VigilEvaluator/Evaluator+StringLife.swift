import VigilDomain
import VigilPrognostics

extension Evaluator {
    /// State of health below 85 % (warning) or 80 % (critical, IEEE 1188 replacement).
    static let sohWarning = 0.85
    static let sohCritical = 0.80
    /// RUL P50 below 180 days (warning: budget and order) or 30 days (critical: replace now).
    static let lifeWarningDays = 180.0
    static let lifeCriticalDays = 30.0
    /// A measured capacity speaks for the string for a year.
    static let capacityValidity: Int64 = 365 * 86_400_000

    /// The string's state of health (its weakest jar's, from resistance over baseline) and the
    /// remaining life of the jar that reaches 80 % first, with findings when either is low.
    func stringLife(_ reading: Reading, _ string: VRLAString, state: inout EvaluatorState)
        -> (soh: Double?, life: Evaluation.RemainingLife?, findings: [Finding], forecasts: [Evaluation.Forecast])
    {
        let asset = reading.asset.rawValue
        let baselines = string.jars.indices.map { state.resistance.baseline(asset: asset, jar: $0 + 1) }
        let health = string.jars.indices.map { index -> Double? in
            guard let baseline = baselines[index], let resistance = string.jars[index].resistance, resistance > 0
            else { return nil }
            return baseline / resistance
        }
        let temperatures = string.jars.map { $0.temperature ?? string.ambient }
        var trend = state.lives[asset] ?? StringLife()
        if trend.observe(
            time: reading.ts.millisecondsSinceEpoch, health: health, baselines: baselines, temperatures: temperatures)
        {
            state.lifeRevision += 1
        }
        // The hottest jar over the room, towards the thermal-runaway rise.
        let rises = string.jars.enumerated().compactMap { index, jar -> (jar: Int, rise: Double)? in
            guard let temperature = jar.temperature, let ambient = string.ambient else { return nil }
            return (index + 1, temperature - ambient)
        }
        var heatForecast: [Evaluation.Forecast] = []
        if let hottest = rises.max(by: { $0.rise < $1.rise }) {
            if trend.observeHeat(time: reading.ts.millisecondsSinceEpoch, rise: hottest.rise) {
                state.lifeRevision += 1
            }
            if let time = trend.heatTime(to: VRLAString.runawayRise, now: reading.ts.millisecondsSinceEpoch) {
                heatForecast.append(
                    Evaluation.Forecast(
                        metric: Reading.jarMetricName(hottest.jar - 1, "temperature_rise_c"),
                        limit: VRLAString.runawayRise,
                        p10: Self.round(time.p10), p50: Self.round(time.p50), p90: Self.round(time.p90)))
            }
        }
        state.lives[asset] = trend
        var findings: [Finding] = []
        let weakest = health.enumerated().compactMap { index, soh in soh.map { (jar: index + 1, soh: $0) } }
            .min { $0.soh < $1.soh }
        // A discharge in the last year that took enough charge to say measured the capacity itself:
        // the definition of state of health, and right even where a baseline was learned on an
        // aged jar. The lower of the two is the string's.
        let measured = state.twins[asset]?.measured.flatMap { last -> Double? in
            guard let capacity = last.capacity, reading.ts.millisecondsSinceEpoch - last.ended < Self.capacityValidity
            else { return nil }
            return capacity / battery.capacity
        }
        if let measured, measured < min(Self.sohWarning, weakest?.soh ?? 1) {
            let critical = measured < Self.sohCritical
            findings.append(
                Finding(
                    code: try! TopicLevel("soh_low"), severity: critical ? .critical : .warning,
                    metric: "soh_capacity_pct", value: Self.round(measured * 100),
                    limit: (critical ? Self.sohCritical : Self.sohWarning) * 100,
                    message:
                        "the last discharge implies \(Self.format(measured * 100)) % of the rated capacity "
                        + "for the weakest jar",
                    recommendation:
                        critical
                        ? "replace the weakest jars: below 80 % the string may not carry the load for its rated time"
                        : "find the weakest jars with a capacity test and budget their replacement"))
        } else if let weakest, weakest.soh < Self.sohWarning {
            let critical = weakest.soh < Self.sohCritical
            findings.append(
                Finding(
                    code: try! TopicLevel("soh_low"), severity: critical ? .critical : .warning,
                    metric: Reading.jarMetricName(weakest.jar - 1, "resistance_mohm"), jar: weakest.jar,
                    value: Self.round(weakest.soh * 100), limit: (critical ? Self.sohCritical : Self.sohWarning) * 100,
                    message:
                        "jar \(weakest.jar)'s state of health is about \(Self.format(weakest.soh * 100)) % (from its resistance)",
                    recommendation:
                        critical
                        ? "replace jar \(weakest.jar): below 80 % it may not carry the load for its rated time"
                        : "confirm jar \(weakest.jar) with a capacity test and budget its replacement"))
        }
        guard let remaining = trend.remainingLife(temperatures: temperatures) else {
            return (Self.lower(weakest?.soh, measured).map { Self.round($0) }, nil, findings, heatForecast)
        }
        let prediction = RULModel.Prediction(p10: remaining.p10, p50: remaining.p50, p90: remaining.p90)
        if let finding = Self.shortLife(
            prediction, metric: Reading.jarMetricName(remaining.jar - 1, "resistance_mohm"), jar: remaining.jar,
            what: "jar \(remaining.jar) reaches 80 % state of health",
            warning: "order a replacement for jar \(remaining.jar)", critical: "replace jar \(remaining.jar) now")
        {
            findings.append(finding)
        }
        let estimate = Evaluation.RemainingLife(
            p10: Self.round(prediction.p10), p50: Self.round(prediction.p50), p90: Self.round(prediction.p90),
            unit: "days", model: "resistance-trend/1 (Arrhenius, doubling every 9 °C)",
            inputs: "jar \(remaining.jar): resistance over its baseline as state of health, trended in ageing time",
            risk: Self.round(RULModel.risk(prediction, within: rul.horizon)), horizon: rul.horizon)
        var forecasts =
            heatForecast + [
                Evaluation.Forecast(
                    metric: Reading.jarMetricName(remaining.jar - 1, "soh_pct"), limit: Self.sohCritical * 100,
                    p10: estimate.p10, p50: estimate.p50, p90: estimate.p90)
            ]
        // The replacement warning comes first: resistance +20 % over baseline.
        if let rise = trend.remainingLife(temperatures: temperatures, threshold: 1 / 1.2), rise.p50 > 0,
            rise.p50 < StringLife.capDays
        {
            forecasts.append(
                Evaluation.Forecast(
                    metric: Reading.jarMetricName(rise.jar - 1, "resistance_rise_pct"), limit: 20,
                    p10: Self.round(rise.p10), p50: Self.round(rise.p50), p90: Self.round(rise.p90)))
        }
        return (Self.lower(weakest?.soh, measured).map { Self.round($0) }, estimate, findings, forecasts)
    }

    /// `rul_short` when the median remaining life is under 180 days (warning) or 30 (critical).
    static func shortLife(
        _ prediction: RULModel.Prediction, metric: String, jar: Int?, what: String, warning: String, critical: String
    ) -> Finding? {
        guard prediction.p50 < lifeWarningDays else { return nil }
        let urgent = prediction.p50 < lifeCriticalDays
        return Finding(
            code: try! TopicLevel("rul_short"), severity: urgent ? .critical : .warning, metric: metric, jar: jar,
            value: round(prediction.p50), limit: urgent ? lifeCriticalDays : lifeWarningDays,
            message:
                "\(what) in about \(format(prediction.p50.rounded())) days "
                + "(\(format(prediction.p10.rounded()))–\(format(prediction.p90.rounded())))",
            recommendation: urgent ? critical : warning)
    }

    static func lower(_ a: Double?, _ b: Double?) -> Double? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}
