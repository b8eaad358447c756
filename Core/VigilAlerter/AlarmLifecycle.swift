public import VigilDomain

/// One alarm's life after ISA-18.2 / IEC 62682, as a value: condition samples, operator commands
/// and the clock go in, transitions come out. No I/O and no clock of its own, so every path is
/// tested with a manual clock.
///
/// - `normal` → `active_unacked` once the condition has held for the on-delay (samples *and*
///   time), so one noisy evaluation never raises anything.
/// - It clears only after the value has been back inside its limit by the deadband for the
///   off-delay: a reading hovering at the limit does not flap the alarm. An unacknowledged alarm
///   that clears waits in `cleared_unacked` for its acknowledgement; an acknowledged one returns
///   to `normal`.
/// - A worse or better tier while active is an escalation or de-escalation of the same alarm.
/// - `shelved` (by an operator, until an expiry) and `suppressed` (by design: a discharging string's
///   float alarms, a maintenance window) hide the alarm while the life underneath goes on, so
///   unshelving shows the alarm as it is now, not as it was.
public struct AlarmLifecycle: Sendable, Equatable, Codable {
    public struct Policy: Sendable, Equatable {
        /// Consecutive samples with the condition before it raises.
        public var onDelaySamples = 1
        /// And for at least this long, ms.
        public var onDelay: Int64 = 0
        /// Back inside the limit by the deadband for this long before it clears, ms.
        public var offDelay: Int64 = 0

        public init(onDelaySamples: Int = 1, onDelay: Int64 = 0, offDelay: Int64 = 0) {
            self.onDelaySamples = onDelaySamples
            self.onDelay = onDelay
            self.offDelay = offDelay
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
    var pendingSince: Int64?
    var pendingSamples = 0
    var clearingSince: Int64?

    public init() {}

    /// What an operator sees.
    public var state: Alert.State {
        if shelvedUntil != nil { return .shelved }
        if isSuppressed { return .suppressed }
        return base
    }

    private var isActive: Bool { base == .activeUnacked || base == .activeAcked }

    /// One evaluation of the condition: its tier, or nil when absent, and whether the value is
    /// back inside its limit by the deadband (nil condition but outside the deadband holds on).
    public mutating func observe(_ condition: Severity?, insideDeadband: Bool = true, now: Int64, policy: Policy)
        -> [Event]
    {
        var events = expire(now: now)
        if let condition {
            clearingSince = nil
            if isActive, let current = tier {
                if condition != current {
                    tier = condition
                    events.append(
                        condition > current
                            ? .escalated(from: current, to: condition) : .deescalated(from: current, to: condition))
                }
                return visible(events)
            }
            if pendingSince == nil { pendingSince = now }
            pendingSamples += 1
            guard pendingSamples >= policy.onDelaySamples, now - pendingSince! >= policy.onDelay else {
                return visible(events)
            }
            pendingSince = nil
            pendingSamples = 0
            tier = condition
            base = .activeUnacked
            acknowledgedBy = nil
            events.append(.raised(condition))
            return visible(events)
        }
        pendingSince = nil
        pendingSamples = 0
        guard isActive else { return visible(events) }
        guard insideDeadband else {
            clearingSince = nil
            return visible(events)
        }
        if clearingSince == nil { clearingSince = now }
        guard now - clearingSince! >= policy.offDelay else { return visible(events) }
        clearingSince = nil
        events.append(.cleared)
        if base == .activeAcked {
            base = .normal
            tier = nil
            events.append(.returnedToNormal)
        } else {
            base = .clearedUnacked
        }
        return visible(events)
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

    /// The clock alone: a shelve that ran out.
    public mutating func tick(now: Int64) -> [Event] { expire(now: now) }

    private mutating func expire(now: Int64) -> [Event] {
        guard let until = shelvedUntil, now >= until else { return [] }
        shelvedUntil = nil
        return [.unshelved]
    }

    /// While shelved or suppressed the life goes on but raises, clears and tier changes are not
    /// announced; shelving, suppression and their ends always are.
    private func visible(_ events: [Event]) -> [Event] {
        guard state == .shelved || state == .suppressed else { return events }
        return events.filter {
            switch $0 {
            case .shelved, .unshelved, .suppressed, .unsuppressed: return true
            default: return false
            }
        }
    }
}
