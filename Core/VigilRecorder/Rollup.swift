/// Count, mean, spread and extremes of one metric over one hour or day, mergeable without the
/// raw values (Chan et al.'s parallel variance), so each batch adds to the stored rollup and the
/// rollup outlives the raw rows it summarises.
struct Rollup: Sendable, Equatable {
    enum Period: String, Sendable, CaseIterable {
        case hour, day

        var milliseconds: Int64 { self == .hour ? 3_600_000 : 86_400_000 }

        /// The start of the period holding `ms` (UTC).
        func start(of ms: Int64) -> Int64 {
            let length = milliseconds
            return ms >= 0 ? ms / length * length : (ms - length + 1) / length * length
        }
    }

    struct Key: Hashable, Sendable {
        var period: Period
        var asset: String
        var metric: String
        var start: Int64
    }

    private(set) var count: Int64 = 0
    private(set) var mean = 0.0
    /// The sum of squared deviations from the mean.
    private(set) var m2 = 0.0
    private(set) var min = Double.infinity
    private(set) var max = -Double.infinity

    init() {}

    init(count: Int64, mean: Double, m2: Double, min: Double, max: Double) {
        self.count = count
        self.mean = mean
        self.m2 = m2
        self.min = min
        self.max = max
    }

    mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        min = Swift.min(min, value)
        max = Swift.max(max, value)
    }

    mutating func merge(_ other: Rollup) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let total = count + other.count
        let delta = other.mean - mean
        m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / Double(total)
        mean += delta * Double(other.count) / Double(total)
        count = total
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// Population standard deviation.
    var standardDeviation: Double { count > 0 ? (Swift.max(m2, 0) / Double(count)).squareRoot() : 0 }
}
