public import VigilDomain

/// One alarm's life after ISA-18.2 / IEC 62682, as a value: condition samples, operator commands
/// and the clock go in, events come out. No I/O and no clock of its own, so every path is tested
/// with a manual clock.
///
/// - `normal` → `active_unacked` once the condition has held for the on-delay (samples *and*
///   time), so one noisy evaluation never raises anything. The evaluator publishes only when
///   something changes, so the time half of the delay also runs out on `tick`, with the condition
///   last seen.
/// - It clears only after the value has been back inside its limit by the deadband for the
///   off-delay: a reading hovering at the limit does not flap the alarm. An unacknowledged alarm
///   that clears waits in `cleared_unacked` for its acknowledgement, unless its policy asks for
///   none (advisories) or it was suppressed by design; an acknowledged one returns to `normal`.
/// - A worse or better tier while active is an escalation or de-escalation of the same alarm; an
///   escalation asks for a new acknowledgement, because the operator acknowledged something milder.
/// - `shelved` (by an operator, until an expiry) and `suppressed` (by design: a discharging string's
///   float alarms, a maintenance window) hide the alarm while the life underneath goes on, so
///   unshelving shows the alarm as it is now, not as it was. Every event is still returned: the
///   alarm book decides what is announced and records the hidden ones as such.
public struct AlarmLifecycle: Sendable, Equatable, Codable {
    public struct Policy: Sendable, Equatable {
        /// Consecutive samples with the condition before it raises.
        public var onDelaySamples = 1
        /// And for at least this long, ms.
        public var onDelay: Int64 = 0
        /// Back inside the limit by the deadband for this long before it clears, ms.
        public var offDelay: Int64 = 0
        /// False for advisories: a clear returns to `normal` without an acknowledgement.
        public var ackRequired = true

        public init(onDelaySamples: Int = 1, onDelay: Int64 = 0, offDelay: Int64 = 0, ackRequired: Bool = true) {
            self.onDelaySamples = onDelaySamples
            self.onDelay = onDelay
            self.offDelay = offDelay
            self.ackRequired = ackRequired
        }
    }

    public enum Event: Sendable, Equatable {
        case raised(Severity)
        case escalated(from: Severity, to: Severity)
        case deescalated(from: Severity, to: Severity)
        case cleared
        case acknowledged(user: String)
        case returnedToNormal
        case shelved(until: Int64)
        case unshelved
        case suppressed
        case unsuppressed
    }

    /// Why an operator's command cannot be carried out, for the reply topic.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The life underneath any shelving or suppression.
    public private(set) var base: Alert.State = .normal
    public private(set) var tier: Severity?
    public private(set) var shelvedUntil: Int64?
    public private(set) var isSuppressed = false
    public private(set) var acknowledgedBy: String?
    /// The condition as last observed, so the clock alone can complete a delay.
    public private(set) var condition: Severity?
    var insideDeadband = true
    var pendingSince: Int64?
    var pendingSamples = 0
    var clearingSince: Int64?

    public init() {}

    /// What an operator sees.
    public var state: Alert.State {
        if shelvedUntil != nil { return .shelved }
        if isSuppressed && base != .normal { return .suppressed }
        return base
    }

    public var isActive: Bool { base == .activeUnacked || base == .activeAcked }

    /// Nothing pending, nothing shown: the book may forget it.
    public var isIdle: Bool {
        base == .normal && shelvedUntil == nil && condition == nil && pendingSince == nil && clearingSince == nil
    }

    /// One evaluation of the condition: its tier, or nil when absent, and whether the value is
    /// back inside its limit by the deadband (nil condition but outside the deadband holds on).
    public mutating func observe(_ condition: Severity?, insideDeadband: Bool = true, now: Int64, policy: Policy)
        -> [Event]
    {
        var events = expire(now: now)
        self.condition = condition
        self.insideDeadband = insideDeadband
        if let condition {
            clearingSince = nil
            if isActive, let current = tier {
                if condition != current {
                    tier = condition
                    if condition > current {
                        base = .activeUnacked
                        acknowledgedBy = nil
                        events.append(.escalated(from: current, to: condition))
                    } else {
                        events.append(.deescalated(from: current, to: condition))
                    }
                }
                return events
            }
            if pendingSince == nil { pendingSince = now }
            pendingSamples += 1
        } else {
            pendingSince = nil
            pendingSamples = 0
            if !insideDeadband { clearingSince = nil } else if isActive && clearingSince == nil { clearingSince = now }
        }
        return events + advance(now: now, policy: policy)
    }

    /// The clock alone: a shelve that ran out, an on-delay or off-delay whose time has come.
    public mutating func tick(now: Int64, policy: Policy) -> [Event] {
        expire(now: now) + advance(now: now, policy: policy)
    }

    private mutating func advance(now: Int64, policy: Policy) -> [Event] {
        if let condition, let since = pendingSince, !isActive {
            guard pendingSamples >= policy.onDelaySamples, now - since >= policy.onDelay else { return [] }
            pendingSince = nil
            pendingSamples = 0
            tier = condition
            base = .activeUnacked
            acknowledgedBy = nil
            return [.raised(condition)]
        }
        guard condition == nil, isActive, let since = clearingSince, now - since >= policy.offDelay else { return [] }
        clearingSince = nil
        if base == .activeAcked || !policy.ackRequired || isSuppressed {
            base = .normal
            tier = nil
            return [.cleared, .returnedToNormal]
        }
        base = .clearedUnacked
        return [.cleared]
    }

    public mutating func acknowledge(user: String, now: Int64) throws(Refusal) -> [Event] {
        var events = expire(now: now)
        switch base {
        case .activeUnacked:
            base = .activeAcked
            acknowledgedBy = user
            events.append(.acknowledged(user: user))
        case .clearedUnacked:
            base = .normal
            tier = nil
            acknowledgedBy = user
            events += [.acknowledged(user: user), .returnedToNormal]
        default:
            throw Refusal(description: "the alarm is \(base.rawValue), there is nothing to acknowledge")
        }
        return events
    }

    /// Hides the alarm until `until` (ms); the life underneath goes on.
    public mutating func shelve(until: Int64, now: Int64) throws(Refusal) -> [Event] {
        guard until > now else { throw Refusal(description: "the shelve must end in the future") }
        guard base != .normal else { throw Refusal(description: "the alarm is normal, there is nothing to shelve") }
        shelvedUntil = until
        return [.shelved(until: until)]
    }

    public mutating func unshelve(now: Int64) throws(Refusal) -> [Event] {
        guard shelvedUntil != nil else { throw Refusal(description: "the alarm is not shelved") }
        shelvedUntil = nil
        return [.unshelved]
    }

    /// Suppression by design switches on and off with what causes it (a discharge, a window).
    public mutating func suppress(_ on: Bool, now: Int64) -> [Event] {
        guard on != isSuppressed else { return expire(now: now) }
        isSuppressed = on
        return expire(now: now) + [on ? .suppressed : .unsuppressed]
    }

    private mutating func expire(now: Int64) -> [Event] {
        guard let until = shelvedUntil, now >= until else { return [] }
        shelvedUntil = nil
        return [.unshelved]
    }
}

extension AlarmLifecycle {
    /// The life an alarm published by another alerter run must have had. Suppression is not
    /// taken over: it follows its cause, which the next input brings.
    init(adopting alert: Alert, now: Int64) {
        self.init()
        tier = alert.tier
        acknowledgedBy = alert.acknowledgedBy
        shelvedUntil = alert.shelvedUntil?.millisecondsSinceEpoch
        switch alert.state {
        case .activeAcked: base = .activeAcked
        case .clearedUnacked: base = .clearedUnacked
        default: base = alert.acknowledgedBy == nil ? .activeUnacked : .activeAcked
        }
        if base != .clearedUnacked { condition = alert.tier }
    }
}
