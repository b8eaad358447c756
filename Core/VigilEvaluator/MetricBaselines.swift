/// What is normal for each quantity of each asset, learned from the asset's own first readings,
/// and how far each new reading strays from it in robust standard deviations.
///
/// A baseline is the median of its first `learnCount` readings, and its spread `1.4826 × MAD`
/// (the median absolute deviation, scaled to a standard deviation for normal noise): one spike
/// while learning moves neither, unlike a mean and a standard deviation. A quantity that depends
/// on the operating point (a chiller's approach on its load) is keyed by that point's bin, so each
/// load has its own normal and a fouled condenser at 90 % load is not compared with a clean one
/// at 50 %.
///
/// Baselines are not adapted once learned: a slow fault (fouling over months) would be learned as
/// normal as it grows. They are kept in the evaluator's state file, so a restart does not learn an
/// aged machine as normal. Pure: the agent loads, saves and feeds it.
public struct MetricBaselines: Codable, Sendable, Equatable {
    struct Baseline: Codable, Sendable, Equatable {
        /// Readings gathered while learning; emptied once the baseline is set.
        var learning: [Double] = []
        var center: Double?
        var spread: Double?
        /// Consecutive readings beyond the watch z-score, signed by their side (+ above, − below).
        var streak = 0
    }

    /// How one reading compares with its baseline.
    struct Deviation: Sendable, Equatable {
        var expected: Double
        var z: Double
        /// Consecutive readings, this one included, on the same side beyond the watch z-score.
        var streak: Int
    }

    var assets: [String: [String: Baseline]] = [:]
    /// Counts the changes worth saving (a value learned, a baseline set), as `ResistanceBaselines`.
    private(set) var revision: UInt64 = 0

    public init() {}

    /// Compares `value` with the baseline of `key`, then learns from it while the baseline is not
    /// yet set. Nil while learning.
    ///
    /// - Parameter floor: the smallest spread the quantity's sensors can resolve; a perfectly
    ///   steady quantity (MAD 0) would otherwise turn a change of one count into a huge z-score.
    mutating func observe(
        asset: String, key: String, value: Double, floor: Double, policy: AnomalyPolicy
    ) -> Deviation? {
        guard value.isFinite else { return nil }
        // In place: a copy taken out and written back cost four lookups instead of two, and a
        // copy of the learning values with every one learned.
        let (deviation, learned) = Self.observe(
            &assets[asset, default: [:]][key, default: Baseline()], value: value, floor: floor, policy: policy)
        if learned { revision += 1 }
        return deviation
    }

    private static func observe(
        _ baseline: inout Baseline, value: Double, floor: Double, policy: AnomalyPolicy
    ) -> (Deviation?, learned: Bool) {
        guard let center = baseline.center, let spread = baseline.spread else {
            baseline.learning.append(value)
            if baseline.learning.count >= policy.learnCount {
                let median = ResistanceBaselines.median(baseline.learning)
                let mad = ResistanceBaselines.median(baseline.learning.map { abs($0 - median) })
                baseline.center = median
                baseline.spread = max(1.4826 * mad, floor, 1e-9)
                baseline.learning = []
            }
            return (nil, true)
        }
        let z = (value - center) / spread
        if abs(z) < policy.watchZ {
            baseline.streak = 0
        } else if (z > 0) == (baseline.streak > 0) {
            baseline.streak += baseline.streak > 0 ? 1 : -1
        } else {
            baseline.streak = z > 0 ? 1 : -1
        }
        return (Deviation(expected: center, z: z, streak: abs(baseline.streak)), false)
    }
}
