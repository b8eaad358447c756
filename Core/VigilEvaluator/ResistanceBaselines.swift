/// Each jar's own internal-resistance baseline, learned after commissioning and learned again when
/// the jar is replaced. A jar's resistance means little against a fixed limit (models and sizes
/// differ by a factor of three); its rise over its own baseline is what IEEE 1188 and the monitor
/// vendors alarm on: +20 % plan a replacement, +50 % replace.
///
/// Kept in the evaluator's state directory, so a restart does not relearn an aged jar's resistance
/// as its baseline. Pure: the agent loads, saves and feeds it.
public struct ResistanceBaselines: Codable, Sendable, Equatable {
    struct Jar: Codable, Sendable, Equatable {
        /// Readings gathered while learning; emptied once the baseline is set.
        var learning: [Double] = []
        var baseline: Double?
        /// Consecutive readings far below the baseline: a new jar, once there are enough of them.
        var low = 0
    }

    /// Readings a baseline is the median of (half a minute at 1 Hz; a commissioning period when a
    /// site polls every few minutes).
    static let learnCount = 30
    /// A jar this far below its baseline for `replacementCount` readings has been replaced.
    static let replacementRatio = 0.7
    static let replacementCount = 5
    /// Watch from +10 %: a jar half-way to the replacement warning is worth a look on the next round.
    static let watchRise = 0.10
    static let warningRise = 0.20
    static let criticalRise = 0.50

    var assets: [String: [Jar]] = [:]
    /// Counts the changes worth saving (a value learned, a baseline set or dropped), so the agent
    /// writes the file only then: once every baseline is learned the file stops being rewritten,
    /// which a gateway's flash storage is grateful for over years.
    private(set) var revision: UInt64 = 0

    public init() {}

    /// Learns from one plausible reading of a string's jar resistances (nil where a jar has none).
    /// Returns the jars (1-based) whose baseline was set by this reading.
    @discardableResult
    mutating func observe(asset: String, resistances: [Double?]) -> [Int] {
        var jars = assets[asset] ?? []
        if jars.count < resistances.count { jars += Array(repeating: Jar(), count: resistances.count - jars.count) }
        var captured: [Int] = []
        for (index, value) in resistances.enumerated() {
            guard let value, value > 0 else { continue }
            var jar = jars[index]
            if let baseline = jar.baseline {
                jar.low = value < baseline * Self.replacementRatio ? jar.low + 1 : 0
                if jar.low >= Self.replacementCount {
                    jar = Jar()
                    revision += 1
                }
            }
            if jar.baseline == nil {
                jar.learning.append(value)
                revision += 1
                if jar.learning.count >= Self.learnCount {
                    jar.baseline = Self.median(jar.learning)
                    jar.learning = []
                    captured.append(index + 1)
                }
            }
            jars[index] = jar
        }
        assets[asset] = jars
        return captured
    }

    /// The jar's resistance over its baseline, minus one (0.25 = 25 % above); nil while learning.
    func rise(asset: String, jar: Int, value: Double) -> Double? {
        guard let jars = assets[asset], jar >= 1, jar <= jars.count, let baseline = jars[jar - 1].baseline,
            baseline > 0
        else { return nil }
        return value / baseline - 1
    }

    func baseline(asset: String, jar: Int) -> Double? {
        guard let jars = assets[asset], jar >= 1, jar <= jars.count else { return nil }
        return jars[jar - 1].baseline
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
