public import VigilDomain

/// How findings of one code become an alarm: its tier, its delays and what hides it.
///
/// Every field has a default that suits most findings, so a site tunes only what bothers it.
public struct AlarmRule: Sendable, Equatable {
    /// False: findings of this code never become an alarm (the evaluation still carries them).
    public var enabled = true
    /// A fixed tier; nil keeps the finding's own severity, so escalation follows the evaluator.
    public var tier: Severity?
    public var onDelaySamples = 1
    /// ms
    public var onDelay: Int64 = 0
    /// ms
    public var offDelay: Int64 = 30_000
    /// In the finding metric's unit: a high alarm clears only below `limit − deadband`, a low one
    /// only above `limit + deadband`, when the evaluation carries the metric's current value.
    public var deadband = 0.0
    /// Info-tier alarms never need one: they are advisories.
    public var ackRequired = true
    /// While the string discharges (and `discharge_hold_s` after), the alarm is suppressed: float
    /// voltage and jar spread under load are physics, not faults.
    public var suppressDuringDischarge = false
    /// Whether transitions of this alarm run the notification hook.
    public var notify = true

    public init() {}

    func policy(tier: Severity?) -> AlarmLifecycle.Policy {
        AlarmLifecycle.Policy(
            onDelaySamples: onDelaySamples, onDelay: onDelay, offDelay: offDelay,
            ackRequired: ackRequired && tier != .info)
    }

    static let keys: Set<String> = [
        "enabled", "tier", "on_delay_samples", "on_delay_s", "off_delay_s", "deadband", "ack_required",
        "suppress_during_discharge", "notify",
    ]
}
