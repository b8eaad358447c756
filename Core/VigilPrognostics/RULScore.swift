#if canImport(Glibc)
    import Glibc
#endif

/// How good remaining-useful-life predictions are, by the PHM08 challenge's rules: errors
/// `d = predicted − true`, late predictions (d > 0) punished harder than early ones, because an
/// engine run past its predicted life is worse than one serviced early.
public struct RULScore: Sendable, Equatable, CustomStringConvertible {
    public var rmse: Double
    /// Σ(e^(−d/13) − 1) for d < 0, Σ(e^(d/10) − 1) for d ≥ 0.
    public var score: Double
    /// Share of units whose true RUL lies inside the predicted P10–P90.
    public var coverage: Double
    public var count: Int

    /// - Parameter truth: true RUL per unit; capped at `cap` like the training labels.
    public init(predictions: [RULModel.Prediction], truth: [Double], cap: Double = RULModel.cap) {
        precondition(predictions.count == truth.count)
        var squares = 0.0
        var score = 0.0
        var covered = 0
        for (prediction, actual) in zip(predictions, truth) {
            let target = min(actual, cap)
            let d = prediction.p50 - target
            squares += d * d
            score += d < 0 ? exp(-d / 13) - 1 : exp(d / 10) - 1
            if target >= prediction.p10 && target <= prediction.p90 { covered += 1 }
        }
        count = truth.count
        rmse = count > 0 ? (squares / Double(count)).squareRoot() : 0
        self.score = score
        coverage = count > 0 ? Double(covered) / Double(count) : 0
    }

    public var description: String {
        "rmse=\(Self.format(rmse)) score=\(Self.format(score)) coverage=\(Self.format(coverage))"
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return String(rounded)
    }
}
