import VigilDomain
import VigilPrognostics

extension Evaluator {
    /// The chiller's remaining time until its condenser approach at full load reaches the
    /// cleaning limit (`rul.chiller_approach_limit_k`), from the fouling trend.
    func chillerLife(_ reading: Reading, _ chiller: Chiller, state: inout EvaluatorState) -> (
        life: Evaluation.RemainingLife?, forecasts: [Evaluation.Forecast]
    ) {
        guard let approach = chiller.condenserApproach, let entering = chiller.condenserIn,
            let leaving = chiller.condenserOut
        else { return (nil, []) }
        let asset = reading.asset.rawValue
        var life = state.chillers[asset] ?? ChillerLife()
        let now = reading.ts.millisecondsSinceEpoch
        if life.observe(time: now, rise: leaving - entering, approach: approach) { state.lifeRevision += 1 }
        state.chillers[asset] = life
        let limit = rul.chillerApproachLimit
        guard let remaining = life.remainingLife(limit: limit, designRise: rul.chillerDesignRise, now: now) else {
            return (nil, [])
        }
        let prediction = RULModel.Prediction(p10: remaining.p10, p50: remaining.p50, p90: remaining.p90)
        return (
            Evaluation.RemainingLife(
                p10: Self.round(prediction.p10), p50: Self.round(prediction.p50), p90: Self.round(prediction.p90),
                unit: "days", model: "condenser-ntu-trend/1",
                inputs:
                    "condenser NTU = ln(1 + water rise / approach), its inverse trended as fouling; full load at a "
                    + "water rise of \(Self.format(max(rul.chillerDesignRise, life.fullLoadRise))) K",
                risk: Self.round(RULModel.risk(prediction, within: rul.horizon)), horizon: rul.horizon),
            prediction.p50 >= ChillerLife.capDays
                ? []
                : [
                    Evaluation.Forecast(
                        metric: "condenser_approach_full_load_c", limit: limit, p10: Self.round(prediction.p10),
                        p50: Self.round(prediction.p50), p90: Self.round(prediction.p90))
                ]
        )
    }
}
