/// When the utility fails and the UPS strings carry the load.
public enum OutagePlan: Sendable, Equatable {
    /// The utility never fails.
    case none
    /// A seeded schedule: each simulated year has a count drawn from `perYear`, each outage lasting
    /// 30–90 minutes at a load of C/10…C/4 per string; none in the first day, and at least two
    /// days between outages so strings recharge.
    case seeded(perYear: ClosedRange<Int>)
    /// Exactly these outages.
    case scripted([Outage])

    /// Outages that start before `end` and end after `start`, in time order.
    func outages(overlapping start: Double, _ end: Double, seed: UInt64) -> [Outage] {
        switch self {
        case .none:
            return []
        case .scripted(let list):
            return list.filter { $0.start < end && $0.end > start }.sorted { $0.start < $1.start }
        case .seeded(let perYear):
            let first = max(0, Int((start / VRLA.year).rounded(.down)) - 1)
            let last = max(first, Int((end / VRLA.year).rounded(.down)))
            var result: [Outage] = []
            for year in first...last {
                result += Self.year(year, perYear: perYear, seed: seed).filter { $0.start < end && $0.end > start }
            }
            return result
        }
    }

    /// One year of a seeded schedule: a pure function of seed and year, so any instant can be
    /// sampled without replaying the years before it.
    static func year(_ year: Int, perYear: ClosedRange<Int>, seed: UInt64) -> [Outage] {
        var random = SplitMix64(seed: seed ^ 0x6F75_7461_6765_0000 &+ UInt64(year) &* 0x9E37_79B9)
        let count = Int.random(in: max(0, perYear.lowerBound)...max(0, perYear.upperBound), using: &random)
        let day = 86_400.0
        let yearStart = Double(year) * VRLA.year
        var starts: [Double] = []
        for _ in 0..<count {
            starts.append(yearStart + Double.random(in: day...(VRLA.year - 3 * day), using: &random))
        }
        starts.sort()
        var outages: [Outage] = []
        for start in starts {
            let duration = Double.random(in: 1800...5400, using: &random)
            let rate = Double.random(in: 0.10...0.25, using: &random)
            let earliest = (outages.last?.end ?? -Double.infinity) + 2 * day
            let begin = max(start, earliest)
            if begin + duration < yearStart + VRLA.year - day {
                outages.append(Outage(start: begin, duration: duration, cRate: rate))
            }
        }
        return outages
    }
}
