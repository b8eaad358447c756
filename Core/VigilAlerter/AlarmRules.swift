public import VigilDomain
public import VigilRuntime

/// The rules by code: an exact code, else the longest matching pattern (`*_anomaly`,
/// `jar_*`), else `*`. The evaluator builds codes from metric names (`cdw_in_high`), so patterns
/// are how defaults cover every code it can emit.
public struct AlarmRules: Sendable, Equatable {
    var rules: [String: AlarmRule]
    /// Patterns longest first, so the most specific wins.
    private var patterns: [String]

    init(_ rules: [String: AlarmRule]) {
        self.rules = rules
        patterns = rules.keys.filter { $0.contains("*") }.sorted { ($0.count, $0) > ($1.count, $1) }
    }

    public func rule(for code: TopicLevel) -> AlarmRule {
        if let exact = rules[code.rawValue] { return exact }
        for pattern in patterns where Self.matches(pattern, code.rawValue) { return rules[pattern]! }
        return AlarmRule()
    }

    static func matches(_ pattern: String, _ code: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasPrefix("*") { return code.hasSuffix(pattern.dropFirst()) }
        if pattern.hasSuffix("*") { return code.hasPrefix(pattern.dropLast()) }
        return pattern == code
    }

    /// What ships: every code the evaluator emits is covered by `*` or a pattern below.
    public static let defaults: AlarmRules = {
        var rules: [String: AlarmRule] = ["*": AlarmRule()]
        func set(_ names: [String], _ change: (inout AlarmRule) -> Void) {
            for name in names {
                var rule = rules[name] ?? AlarmRule()
                change(&rule)
                rules[name] = rule
            }
        }
        // Physics under load, not faults: hidden while the string discharges.
        set(["float_voltage_high", "float_voltage_low", "jar_voltage_deviation"]) {
            $0.suppressDuringDischarge = true
        }
        // Learned-baseline findings already waited 5 readings; they wobble back over the line.
        set(["*_anomaly"]) { $0.offDelay = 120_000 }
        // Slow quantities: an hour inside the limit before they count as recovered.
        set(["jar_resistance_rise", "soh_low", "rul_short", "approach_rise"]) { $0.offDelay = 3_600_000 }
        // A runaway is not over because one reading looked calm.
        set(["thermal_runaway"]) { $0.offDelay = 300_000 }
        set(["device_unreachable"]) { $0.tier = .warning }
        set(["outbox_overflow"]) {
            $0.tier = .critical
            $0.offDelay = 0
        }
        set([AlarmBook.floodCode.rawValue]) {
            $0.tier = .warning
            $0.offDelay = 60_000
            $0.ackRequired = false
        }
        return AlarmRules(rules)
    }()

    /// `alerter.rules`: each entry changes only the fields it names, on top of the rule that
    /// would otherwise apply to that code or pattern.
    public init(_ section: ConfigNode) throws(ConfigError) {
        var rules = Self.defaults.rules
        for (name, node) in try section.entries() {
            guard Self.isPattern(name) else {
                throw ConfigError(
                    key: section.key(name),
                    reason: "a rule is a code or a pattern of [A-Za-z0-9_.-] with one * at its start or end")
            }
            try node.requireOnly(AlarmRule.keys)
            var rule = rules[name] ?? Self.defaults.rule(for: (try? TopicLevel(name)) ?? (try! TopicLevel("x")))
            rule.enabled = try node.bool("enabled", default: rule.enabled)
            if let tier = try node.optionalString("tier") {
                guard let value = Severity(rawValue: tier) else {
                    throw ConfigError(key: node.key("tier"), reason: "expected info, warning or critical")
                }
                rule.tier = value
            }
            rule.onDelaySamples = try node.int("on_delay_samples", default: rule.onDelaySamples, in: 1...1000)
            rule.onDelay = Int64(
                try node.double("on_delay_s", default: Double(rule.onDelay) / 1000, in: 0...86_400) * 1000)
            rule.offDelay = Int64(
                try node.double("off_delay_s", default: Double(rule.offDelay) / 1000, in: 0...86_400) * 1000)
            rule.deadband = try node.double("deadband", default: rule.deadband, in: 0...1e9)
            rule.ackRequired = try node.bool("ack_required", default: rule.ackRequired)
            rule.suppressDuringDischarge = try node.bool(
                "suppress_during_discharge", default: rule.suppressDuringDischarge)
            rule.notify = try node.bool("notify", default: rule.notify)
            rules[name] = rule
        }
        self.init(rules)
    }

    private static func isPattern(_ name: String) -> Bool {
        if name == "*" { return true }
        var stem = Substring(name)
        if stem.hasPrefix("*") { stem = stem.dropFirst() } else if stem.hasSuffix("*") { stem = stem.dropLast() }
        return (try? TopicLevel(String(stem))) != nil
    }
}
