import VigilDomain
import VigilPrognostics

extension Evaluator {
    /// ISO 10816 zone C/D boundary for medium machines: damage occurs, the machine's end of life.
    static let zoneD = 7.1

    /// Forecasts of a rotating machine's vibration crossing its warning and critical limits and
    /// zone D, and its remaining life to zone D.
    func vibrationLife(_ reading: Reading, state: inout EvaluatorState) -> (
        forecasts: [Evaluation.Forecast], life: Evaluation.RemainingLife?
    ) {
        guard let velocity = reading.values.scalars["vibration_mm_s"] else { return ([], nil) }
        let asset = reading.asset.rawValue
        let now = reading.ts.millisecondsSinceEpoch
        var life = state.vibrations[asset] ?? VibrationLife()
        if life.observe(time: now, velocity: velocity) { state.lifeRevision += 1 }
        state.vibrations[asset] = life
        let limit = limits.kinds[reading.kind.rawValue]?["vibration_mm_s"]
        let levels = Set([limit?.warnHigh, limit?.critHigh, Self.zoneD].compactMap { $0 }).sorted()
        var forecasts: [Evaluation.Forecast] = []
        var remaining: Evaluation.RemainingLife?
        for level in levels where level > velocity {
            guard let time = life.timeTo(level, now: now), time.p50 < VibrationLife.capDays else { continue }
            forecasts.append(
                Evaluation.Forecast(
                    metric: "vibration_mm_s", limit: level, p10: Self.round(time.p10), p50: Self.round(time.p50),
                    p90: Self.round(time.p90)))
            if level == Self.zoneD {
                let prediction = RULModel.Prediction(p10: time.p10, p50: time.p50, p90: time.p90)
                remaining = Evaluation.RemainingLife(
                    p10: Self.round(time.p10), p50: Self.round(time.p50), p90: Self.round(time.p90), unit: "days",
                    model: "vibration-log-trend/1",
                    inputs:
                        "overall vibration over the machine's own level (√(v² − v₀²)), its logarithm trended over "
                        + "two weeks, to ISO 10816 zone D (7.1 mm/s)",
                    risk: Self.round(RULModel.risk(prediction, within: rul.horizon)), horizon: rul.horizon)
            }
        }
        return (forecasts, remaining)
    }

    /// The sooner of two remaining lives (by P50).
    static func sooner(_ a: Evaluation.RemainingLife?, _ b: Evaluation.RemainingLife?) -> Evaluation.RemainingLife? {
        guard let a else { return b }
        guard let b else { return a }
        return b.p50 < a.p50 ? b : a
    }

    /// `rul_short` for a machine's soonest remaining life, named after what ends it.
    func machineLifeFindings(_ life: Evaluation.RemainingLife?) -> [Finding] {
        guard let life, life.unit == "days" else { return [] }
        let vibration = life.model.hasPrefix("vibration")
        let finding = Self.shortLife(
            RULModel.Prediction(p10: life.p10, p50: life.p50, p90: life.p90),
            metric: vibration ? "vibration_mm_s" : "condenser_approach_c", jar: nil,
            what: vibration
                ? "vibration reaches ISO 10816 zone D (7.1 mm/s)"
                : "the condenser approach at full load reaches \(Self.format(rul.chillerApproachLimit)) K",
            warning: vibration ? "plan the bearing inspection and replacement" : "plan a condenser tube cleaning",
            critical: vibration ? "inspect and replace the bearings now" : "clean the condenser tubes now")
        return finding.map { [$0] } ?? []
    }
}
