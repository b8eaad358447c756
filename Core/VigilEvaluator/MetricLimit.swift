public import VigilDomain

/// Hard limits for one metric of one asset kind, with the weight it carries in the health score.
///
/// `possible_*` bounds are physics, not alarm thresholds: a jar cannot read 40 V, so such a
/// reading is refused as a sensor or wiring fault rather than judged as a very sick battery.
public struct MetricLimit: Sendable, Equatable {
    public var warnLow: Double?
    public var warnHigh: Double?
    public var critLow: Double?
    public var critHigh: Double?
    public var possibleLow: Double?
    public var possibleHigh: Double?
    public var weight: Double

    public init(
        warnLow: Double? = nil, warnHigh: Double? = nil, critLow: Double? = nil, critHigh: Double? = nil,
        possibleLow: Double? = nil, possibleHigh: Double? = nil, weight: Double = 1
    ) {
        self.warnLow = warnLow
        self.warnHigh = warnHigh
        self.critLow = critLow
        self.critHigh = critHigh
        self.possibleLow = possibleLow
        self.possibleHigh = possibleHigh
        self.weight = weight
    }

    /// The judgement of one value: its severity (nil when normal), the limit crossed and its side.
    public struct Verdict: Sendable, Equatable {
        public var severity: Severity?
        public var limit: Double
        public var high: Bool
        /// 100 inside the warning band, 70→30 between warning and critical, 30→0 beyond critical.
        public var score: Double
    }

    public func judge(_ value: Double) -> Verdict {
        if let high = judge(value, warn: warnHigh, crit: critHigh, sign: 1) { return high }
        if let low = judge(value, warn: warnLow, crit: critLow, sign: -1) { return low }
        return Verdict(severity: nil, limit: .nan, high: true, score: 100)
    }

    /// Why the value cannot be real, or nil when it can.
    public func impossibility(_ value: Double) -> String? {
        if let possibleLow, value < possibleLow { return "below the physically possible \(possibleLow)" }
        if let possibleHigh, value > possibleHigh { return "above the physically possible \(possibleHigh)" }
        return nil
    }

    /// `sign` folds the low side onto the high side so one formula serves both.
    private func judge(_ value: Double, warn: Double?, crit: Double?, sign: Double) -> Verdict? {
        let x = value * sign
        if let crit, x >= crit * sign {
            let width = abs((warn ?? crit * 0.9) - crit)
            let beyond = width > 0 ? (x - crit * sign) / width : 1
            return Verdict(severity: .critical, limit: crit, high: sign > 0, score: max(0, 30 * (1 - beyond)))
        }
        if let warn, x >= warn * sign {
            guard let crit else { return Verdict(severity: .warning, limit: warn, high: sign > 0, score: 50) }
            let span = (crit - warn) * sign
            let fraction = span > 0 ? (x - warn * sign) / span : 0
            return Verdict(severity: .warning, limit: warn, high: sign > 0, score: 70 - 40 * fraction)
        }
        return nil
    }
}
