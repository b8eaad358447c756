/// An alarm's current state, retained on `alert/<asset>/<code>` while it is not `normal`.
///
/// Retained so that a Node-RED flow or SCADA that subscribes late still sees every active alarm.
public struct Alert: Sendable, Equatable, Codable {
    public var v = 1
    public var site: TopicLevel
    public var asset: TopicLevel
    public var code: TopicLevel
    public var tier: Severity
    public var state: State
    public var firstRaised: Timestamp
    public var lastChange: Timestamp
    public var value: Double
    public var limit: Double
    public var jar: Int?
    public var message: String
    public var recommendation: String
    /// The latest raise or escalation; `first_raised` stays with the first.
    public var lastRaised: Timestamp?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Timestamp?
    public var shelvedBy: String?
    public var shelvedUntil: Timestamp?
    /// The operator's comment with the latest acknowledgement or shelve.
    public var comment: String?
    /// Only on the `flood` alarm: the alarms it holds back, as `asset/code`.
    public var grouped: [String]?

    public init(
        site: TopicLevel, asset: TopicLevel, code: TopicLevel, tier: Severity, state: State,
        firstRaised: Timestamp, lastChange: Timestamp, value: Double, limit: Double, jar: Int?,
        message: String, recommendation: String
    ) {
        self.site = site
        self.asset = asset
        self.code = code
        self.tier = tier
        self.state = state
        self.firstRaised = firstRaised
        self.lastChange = lastChange
        self.value = value
        self.limit = limit
        self.jar = jar
        self.message = message
        self.recommendation = recommendation
    }

    /// ISA-18.2 states. `normal` is never retained: it is the empty payload.
    public enum State: String, Sendable, Codable {
        case normal
        case activeUnacked = "active_unacked"
        case activeAcked = "active_acked"
        case clearedUnacked = "cleared_unacked"
        case shelved, suppressed
    }

    enum CodingKeys: String, CodingKey {
        case v, site, asset, code, tier, state, value, limit, jar, message, recommendation
        case firstRaised = "first_raised"
        case lastChange = "last_change"
        case lastRaised = "last_raised"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
        case shelvedBy = "shelved_by"
        case shelvedUntil = "shelved_until"
        case comment, grouped
    }
}

/// One alarm transition on `alert-events`, kept by the recorder as the alarm history.
public struct AlertEvent: Sendable, Equatable, Codable {
    public var v = 1
    /// Unique per transition, so history stays exact when a message is delivered twice.
    public var eventID: String
    public var ts: Timestamp
    public var transition: Transition
    public var previousTier: Severity?
    public var alert: Alert
    /// The alerter's agent id and its own contiguous number for the event: the recorder
    /// acknowledges them on `ack/<alerter>` like readings, so no transition is lost to a crash.
    public var alerter: TopicLevel?
    public var seq: UInt64?
    /// Who acknowledged, shelved or unshelved, and why: the operator's command, for history.
    public var user: String?
    public var comment: String?

    public init(eventID: String, ts: Timestamp, transition: Transition, previousTier: Severity?, alert: Alert) {
        self.eventID = eventID
        self.ts = ts
        self.transition = transition
        self.previousTier = previousTier
        self.alert = alert
    }

    public enum Transition: String, Sendable, Codable {
        case raised, escalated, deescalated, cleared, acknowledged, shelved, unshelved, suppressed, unsuppressed
    }

    enum CodingKeys: String, CodingKey {
        case v, ts, transition, alert, alerter, seq, user, comment
        case eventID = "event_id"
        case previousTier = "previous_tier"
    }
}
