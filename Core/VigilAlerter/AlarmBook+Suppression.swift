public import VigilDomain

/// A planned outage of one asset's alarms, from the site's configuration.
public struct MaintenanceWindow: Sendable, Equatable {
    public var asset: TopicLevel
    public var from: Timestamp
    public var to: Timestamp
    public var reason: String

    public init(asset: TopicLevel, from: Timestamp, to: Timestamp, reason: String) {
        self.asset = asset
        self.from = from
        self.to = to
        self.reason = reason
    }

    func covers(_ asset: TopicLevel, at now: Timestamp) -> Bool {
        asset == self.asset && from <= now && now < to
    }
}

extension AlarmBook {
    /// Suppression by design: the asset is in a maintenance window, or the rule hides the alarm
    /// while its string discharges (and for `dischargeHold` after the last evaluation that said so).
    func isSuppressed(_ key: Key, _ rule: AlarmRule, _ now: Timestamp) -> Bool {
        if configuration.maintenance.contains(where: { $0.covers(key.asset, at: now) }) { return true }
        guard rule.suppressDuringDischarge, let last = discharging[key.asset] else { return false }
        return now.millisecondsSinceEpoch - last <= configuration.dischargeHold
    }
}
