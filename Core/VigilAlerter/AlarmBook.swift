public import VigilDomain

/// Every alarm's lifecycle and the transitions each input causes. Pure state machine:
/// evaluations, device and agent statuses, operator commands and the clock in; transitions out;
/// the agent publishes them.
///
/// Alarms are keyed by `(asset, code)`: 24 jars over the same limit are one alarm carrying the
/// worst jar, not 24 pages to the on-call engineer.
public struct AlarmBook: Sendable {
    public struct Key: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
        public var asset: TopicLevel
        public var code: TopicLevel

        public init(asset: TopicLevel, code: TopicLevel) {
            self.asset = asset
            self.code = code
        }

        public static func < (lhs: Key, rhs: Key) -> Bool { (lhs.asset, lhs.code) < (rhs.asset, rhs.code) }
        public var description: String { "\(asset)/\(code)" }
    }

    /// What to publish for one transition: the event, and the new retained state (nil = clear).
    /// The flood alarm's growing count is a retained update without an event.
    public struct Transition: Sendable, Equatable {
        public var event: AlertEvent?
        public var retained: Alert?
        public var key: Key
        /// The rule asks for the notification hook, and the alarm is not hidden.
        public var notify: Bool
    }

    public struct Configuration: Sendable, Equatable {
        public var rules = AlarmRules.defaults
        public var maintenance: [MaintenanceWindow] = []
        /// ms a string counts as discharging after the last evaluation that said so.
        public var dischargeHold: Int64 = 900_000
        /// More than this many new alarms within `floodWindow` is a flood.
        public var floodLimit = 10
        public var floodWindow: Int64 = 600_000
        /// ms; longer shelve requests are refused, so nothing is hidden and forgotten.
        public var maxShelve: Int64 = 86_400_000

        public init() {}
    }

    /// One alarm: its life, and the details the next transition publishes.
    struct Entry: Sendable, Equatable, Codable {
        var life = AlarmLifecycle()
        var alert: Alert
        /// The finding's metric and whether it was above its limit, for the deadband.
        var metric: String?
        var high = true
        /// Raised inside a flood: counted by the `flood` alarm, not announced on its own.
        var grouped = false
        /// The retained topic shows it (its last published state was not normal).
        var shown = false
    }

    public var configuration: Configuration
    var entries: [Key: Entry] = [:]
    var flood = FloodGate()
    /// Asset → when an evaluation last said the string was discharging, ms.
    var discharging: [TopicLevel: Int64] = [:]
    /// Asset → the seq of the last evaluation applied, so a retained copy seen again after a
    /// restart is not counted as a new sample.
    var lastEvaluation: [TopicLevel: UInt64] = [:]
    var eventCounter: UInt64 = 0
    /// Grows when something worth saving at once changed (see `store`); not saved itself.
    public private(set) var revision: UInt64 = 0
    let eventPrefix: String
    let site: TopicLevel

    /// - Parameter eventPrefix: makes event ids unique across alerter installations; the counter
    ///   behind it is saved with the state, so ids are never reused after a restart.
    public init(site: TopicLevel, eventPrefix: String, configuration: Configuration = Configuration()) {
        self.site = site
        self.eventPrefix = eventPrefix
        self.configuration = configuration
    }

    static let floodCode = try! TopicLevel("flood")
    static let unreachableCode = try! TopicLevel("device_unreachable")
    static let overflowCode = try! TopicLevel("outbox_overflow")

    /// Alarms not driven by evaluations: an evaluation without them must not clear them.
    static func isEvaluationCode(_ code: TopicLevel) -> Bool {
        code != floodCode && code != unreachableCode && code != overflowCode
    }

    /// Every alarm an operator can see (not normal), in key order.
    public var alarms: [Alert] {
        entries.keys.sorted().compactMap { key in entries[key].flatMap { $0.shown ? snapshot($0) : nil } }
    }

    public func alarm(_ key: Key) -> Alert? { entries[key].flatMap { $0.shown ? snapshot($0) : nil } }

    public mutating func apply(_ evaluation: Evaluation, now: Timestamp, replayed: Bool = false) -> [Transition] {
        apply(EvaluationFindings(evaluation), now: now, replayed: replayed)
    }

    public mutating func apply(_ evaluation: EvaluationFindings, now: Timestamp, replayed: Bool = false)
        -> [Transition]
    {
        if replayed, let last = lastEvaluation[evaluation.asset], evaluation.seq <= last { return [] }
        lastEvaluation[evaluation.asset] = evaluation.seq
        if evaluation.kind == .vrlaString, evaluation.derived?["discharge_s"] != nil {
            discharging[evaluation.asset] = now.millisecondsSinceEpoch
        }
        var worst: [TopicLevel: (Finding, Severity)] = [:]
        for finding in evaluation.findings {
            let rule = configuration.rules.rule(for: finding.code)
            guard rule.enabled else { continue }
            let tier = rule.tier ?? finding.severity
            if let current = worst[finding.code], !Self.isWorse(finding, tier, than: current) { continue }
            worst[finding.code] = (finding, tier)
        }
        var transitions: [Transition] = []
        for (code, (finding, tier)) in worst.sorted(by: { $0.key < $1.key }) {
            let key = Key(asset: evaluation.asset, code: code)
            var entry =
                entries[key]
                ?? Entry(
                    alert: Alert(
                        site: evaluation.site, asset: evaluation.asset, code: code, tier: tier, state: .normal,
                        firstRaised: now, lastChange: now, value: finding.value, limit: finding.limit,
                        jar: finding.jar, message: finding.message, recommendation: finding.recommendation))
            entry.alert.value = finding.value
            entry.alert.limit = finding.limit
            entry.alert.jar = finding.jar
            entry.alert.message = finding.message
            entry.alert.recommendation = finding.recommendation
            entry.metric = finding.metric
            entry.high = finding.value >= finding.limit
            transitions += observe(key, &entry, tier, insideDeadband: true, now: now)
        }
        // Filtered before sorting: this runs for every evaluation, and most assets have no alarm.
        let standing = entries.keys.filter {
            $0.asset == evaluation.asset && worst[$0.code] == nil && Self.isEvaluationCode($0.code)
        }
        for key in standing.sorted() {
            var entry = entries[key]!
            let inside = Self.insideDeadband(entry, evaluation, configuration.rules.rule(for: key.code))
            transitions += observe(key, &entry, nil, insideDeadband: inside, now: now)
        }
        return transitions
    }

    /// A device that stopped answering is one alarm on the asset it reads; it clears when the
    /// device answers again. Without it a dead link would be silent: the evaluator skips
    /// `comm_error` readings by design.
    public mutating func apply(_ status: DeviceStatus, now: Timestamp) -> [Transition] {
        let key = Key(asset: status.asset, code: Self.unreachableCode)
        let rule = configuration.rules.rule(for: key.code)
        guard rule.enabled else { return [] }
        let unreachable = status.state == .unreachable
        guard unreachable || entries[key] != nil else { return [] }
        var entry =
            entries[key]
            ?? Entry(
                alert: Alert(
                    site: status.site, asset: status.asset, code: key.code, tier: .warning, state: .normal,
                    firstRaised: now, lastChange: now, value: 0, limit: 0, jar: nil, message: "", recommendation: ""))
        if unreachable {
            entry.alert.value = Double(status.consecutiveFailures)
            entry.alert.message =
                "device \(status.device) (\(status.source)) stopped answering: \(status.lastError ?? "no reply")"
            entry.alert.recommendation = "check the device's power, wiring, address and the bus settings"
        }
        return observe(key, &entry, unreachable ? (rule.tier ?? .warning) : nil, insideDeadband: true, now: now)
    }

    /// The clock alone: delays that ran out, shelves that expired, suppression that began or ended,
    /// a flood that is over.
    public mutating func tick(now: Timestamp) -> [Transition] {
        var transitions: [Transition] = []
        for key in entries.keys.sorted() {
            var entry = entries[key]!
            let rule = configuration.rules.rule(for: key.code)
            var events = entry.life.suppress(isSuppressed(key, rule, now), now: now.millisecondsSinceEpoch)
            events += entry.life.tick(now: now.millisecondsSinceEpoch, policy: policy(entry, rule, nil))
            transitions += emit(key, &entry, events, now: now)
            store(key, entry)
        }
        return transitions + floodTick(now: now)
    }

    /// One sample of one alarm's condition, with its suppression brought up to date first.
    mutating func observe(
        _ key: Key, _ entry: inout Entry, _ condition: Severity?, insideDeadband: Bool, now: Timestamp
    )
        -> [Transition]
    {
        let rule = configuration.rules.rule(for: key.code)
        var events = entry.life.suppress(isSuppressed(key, rule, now), now: now.millisecondsSinceEpoch)
        events += entry.life.observe(
            condition, insideDeadband: insideDeadband, now: now.millisecondsSinceEpoch,
            policy: policy(entry, rule, condition))
        let transitions = emit(key, &entry, events, now: now)
        store(key, entry)
        return transitions
    }

    func policy(_ entry: Entry, _ rule: AlarmRule, _ condition: Severity?) -> AlarmLifecycle.Policy {
        var policy = rule.policy(tier: entry.life.tier ?? condition)
        // Nobody was shown a grouped alarm, so nobody can be asked to acknowledge its clear.
        if entry.grouped { policy.ackRequired = false }
        return policy
    }

    mutating func store(_ key: Key, _ entry: Entry) {
        let old = entries[key]
        let kept = entry.life.isIdle && !entry.shown ? nil : entry
        // A delay starting or ending, or an alarm appearing or going, is worth saving at once; a
        // sample counted or a value updated is not.
        if (old == nil) != (kept == nil) || old?.life.pendingSince != entry.life.pendingSince
            || old?.life.clearingSince != entry.life.clearingSince
        {
            revision &+= 1
        }
        entries[key] = kept
    }

    /// The number of alarms an operator sees now (not normal).
    public var shownCount: Int { entries.values.count(where: \.shown) }

    /// The alarm as an operator sees it now.
    func snapshot(_ entry: Entry) -> Alert {
        var alert = entry.alert
        alert.state = entry.life.state
        if let tier = entry.life.tier { alert.tier = tier }
        alert.acknowledgedBy = entry.life.acknowledgedBy
        if alert.acknowledgedBy == nil { alert.acknowledgedAt = nil }
        alert.shelvedUntil = entry.life.shelvedUntil.map(Timestamp.init(millisecondsSinceEpoch:))
        if alert.shelvedUntil == nil { alert.shelvedBy = nil }
        return alert
    }

    /// Lifecycle events become published transitions: one per event, except that a return to
    /// normal is the state a clear or an acknowledgement leaves, not an event of its own.
    mutating func emit(
        _ key: Key, _ entry: inout Entry, _ events: [AlarmLifecycle.Event], now: Timestamp, user: String? = nil,
        comment: String? = nil, floodCheck: Bool = true
    ) -> [Transition] {
        var transitions: [Transition] = []
        for event in events {
            let kind: AlertEvent.Transition
            var previous: Severity?
            switch event {
            case .raised:
                kind = .raised
                if !entry.shown { entry.alert.firstRaised = now }
                entry.alert.lastRaised = now
                if floodCheck, key.code != Self.floodCode, !admit(now: now), entry.life.tier != .critical {
                    entry.grouped = true
                    transitions += floodGrouped(key, now: now)
                    continue
                }
            case .escalated(let from, let to):
                kind = .escalated
                previous = from
                entry.alert.lastRaised = now
                if entry.grouped, to == .critical {
                    // A critical alarm always passes the flood: announced on its own from here.
                    entry.grouped = false
                    transitions += floodReleased(key, now: now)
                }
            case .deescalated(let from, _):
                kind = .deescalated
                previous = from
            case .cleared:
                kind = .cleared
                previous = entry.life.tier ?? entry.alert.tier
            case .acknowledged(let user):
                kind = .acknowledged
                entry.alert.acknowledgedAt = now
                entry.alert.acknowledgedBy = user
            case .returnedToNormal:
                continue
            case .shelved:
                kind = .shelved
            case .unshelved:
                kind = .unshelved
            case .suppressed:
                // Nothing shown to hide: an alarm raised under suppression is news as `raised`.
                guard entry.shown else { continue }
                kind = .suppressed
            case .unsuppressed:
                guard entry.shown else { continue }
                kind = .unsuppressed
            }
            if entry.grouped {
                // Held by the flood: the flood alarm counts it; when it is over, the flood is.
                if entry.life.base == .normal { entry.grouped = false }
                continue
            }
            entry.alert.lastChange = now
            let alert = snapshot(entry)
            let visible = alert.state != .normal
            entry.shown = visible
            eventCounter += 1
            var published = AlertEvent(
                eventID: "\(eventPrefix)-\(eventCounter)", ts: now, transition: kind, previousTier: previous,
                alert: alert)
            published.user = user
            published.comment = comment
            let hidden = alert.state == .shelved || alert.state == .suppressed
            let rule = configuration.rules.rule(for: key.code)
            transitions.append(
                Transition(
                    event: published, retained: visible ? alert : nil, key: key, notify: rule.notify && !hidden))
        }
        return transitions
    }

    private static func isWorse(_ finding: Finding, _ tier: Severity, than other: (Finding, Severity)) -> Bool {
        if tier != other.1 { return tier > other.1 }
        return abs(finding.value - finding.limit) > abs(other.0.value - other.0.limit)
    }

    /// Back inside the limit by the deadband, judged on the metric's current value when the
    /// evaluation carries it; without a value only the off-delay guards against flapping.
    static func insideDeadband(_ entry: Entry, _ evaluation: EvaluationFindings, _ rule: AlarmRule) -> Bool {
        guard rule.deadband > 0, let metric = entry.metric, let value = evaluation.derived?[metric] else { return true }
        return entry.high ? value <= entry.alert.limit - rule.deadband : value >= entry.alert.limit + rule.deadband
    }
}
