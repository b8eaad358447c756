import VigilDomain
import VigilRuntime

extension LimitSet {
    static let limitKeys: Set<String> = [
        "warn_low", "warn_high", "crit_low", "crit_high", "possible_low", "possible_high", "weight",
    ]

    /// Reads `limits:`; kinds and metrics given replace the defaults for that metric, the rest stay.
    init(config node: ConfigNode, base: LimitSet = .defaults) throws(ConfigError) {
        var kinds = base.kinds
        for (kind, metrics) in try node.entries() {
            try Self.checkName(kind, key: metrics.path, maximumLength: TopicLevel.maximumLength)
            for (metric, rule) in try metrics.entries() {
                // Room for the `_high`/`_low` suffix of the reason code the metric produces.
                try Self.checkName(metric, key: rule.path, maximumLength: TopicLevel.maximumLength - 5)
                try rule.requireOnly(Self.limitKeys)
                let limit = MetricLimit(
                    warnLow: try rule.optionalDouble("warn_low"), warnHigh: try rule.optionalDouble("warn_high"),
                    critLow: try rule.optionalDouble("crit_low"), critHigh: try rule.optionalDouble("crit_high"),
                    possibleLow: try rule.optionalDouble("possible_low"),
                    possibleHigh: try rule.optionalDouble("possible_high"),
                    weight: try rule.double("weight", default: 1, in: 0...1000))
                try Self.checkOrder(limit, key: rule.path)
                kinds[kind, default: [:]][metric] = limit
            }
        }
        self.init(kinds: kinds)
    }

    private static func checkName(_ name: String, key: String, maximumLength: Int) throws(ConfigError) {
        do {
            _ = try TopicLevel(name, field: key)
        } catch {
            throw ConfigError(key: key, reason: error.reason)
        }
        guard name.count <= maximumLength else {
            throw ConfigError(key: key, reason: "is longer than \(maximumLength) characters")
        }
    }

    /// Limits that contradict each other would never alarm or always alarm; refuse them.
    private static func checkOrder(_ limit: MetricLimit, key: String) throws(ConfigError) {
        let ordered: [(String, Double?)] = [
            ("possible_low", limit.possibleLow), ("crit_low", limit.critLow), ("warn_low", limit.warnLow),
            ("warn_high", limit.warnHigh), ("crit_high", limit.critHigh), ("possible_high", limit.possibleHigh),
        ]
        // Written without a mutable optional in the loop: that shape crashes the 6.3 optimizer.
        let present = ordered.compactMap { name, value in value.map { (name: name, value: $0) } }
        let misplaced = present.indices.dropFirst().first { present[$0].value < present[$0 - 1].value }
        if let misplaced {
            let (name, value) = present[misplaced]
            let (lowerName, lowerValue) = present[misplaced - 1]
            throw ConfigError(key: "\(key).\(name)", reason: "\(value) must not be below \(lowerName) \(lowerValue)")
        }
    }
}
