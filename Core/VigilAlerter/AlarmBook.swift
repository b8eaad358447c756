public import VigilDomain

/// The set of active alarms and the transitions each evaluation causes. Pure state machine:
/// evaluations in, transitions out; the agent publishes them.
///
/// Alarms are keyed by `(asset, code)`: 24 jars over the same limit are one alarm carrying the
/// worst jar, not 24 pages to the on-call engineer.
public struct AlarmBook: Sendable {
    public struct Key: Hashable, Sendable {
        public var asset: TopicLevel
        public var code: TopicLevel
    }

    /// What to publish for one transition: the event, and the new retained state (nil = clear).
    public struct Transition: Sendable, Equatable {
        public var event: AlertEvent
        public var retained: Alert?
    }

    public internal(set) var active: [Key: Alert] = [:]
    private var eventCounter: UInt64 = 0
    private let eventPrefix: String

    /// - Parameter eventPrefix: makes event ids unique across alerter restarts (e.g. start time).
    public init(eventPrefix: String) { self.eventPrefix = eventPrefix }

    /// Adopts an alarm found retained on the broker at start-up, so it can still be cleared.
    public mutating func restore(_ alert: Alert) {
        let key = Key(asset: alert.asset, code: alert.code)
        guard active[key] == nil, alert.state != .normal else { return }
        active[key] = alert
    }

    public mutating func apply(_ evaluation: Evaluation, now: Timestamp) -> [Transition] {
        var worst: [TopicLevel: Finding] = [:]
        for finding in evaluation.findings {
            if let current = worst[finding.code], !Self.isWorse(finding, than: current) { continue }
            worst[finding.code] = finding
        }
        var transitions: [Transition] = []
        for (code, finding) in worst.sorted(by: { $0.key < $1.key }) {
            let key = Key(asset: evaluation.asset, code: code)
            if var alert = active[key] {
                guard alert.tier != finding.severity else {
                    // Same tier: keep the latest value for the next transition, publish nothing.
                    active[key]?.value = finding.value
                    continue
                }
                let previous = alert.tier
                alert.tier = finding.severity
                alert.lastChange = now
                update(&alert, with: finding)
                active[key] = alert
                transitions.append(
                    transition(finding.severity > previous ? .escalated : .deescalated, previous, alert, now))
            } else {
                var alert = Alert(
                    site: evaluation.site, asset: evaluation.asset, code: code, tier: finding.severity,
                    state: .activeUnacked, firstRaised: now, lastChange: now, value: finding.value,
                    limit: finding.limit, jar: finding.jar, message: finding.message,
                    recommendation: finding.recommendation)
                update(&alert, with: finding)
                active[key] = alert
                transitions.append(transition(.raised, nil, alert, now))
            }
        }
        for (key, alert) in active.sorted(by: { $0.key.code < $1.key.code })
        where key.asset == evaluation.asset && worst[key.code] == nil && key.code.rawValue != "device_unreachable" {
            transitions.append(clear(key, alert, now))
        }
        return transitions
    }

    /// A device that stopped answering is one alarm on the asset it reads; it clears when the
    /// device answers again. Without it a dead link would be silent: the evaluator skips
    /// `comm_error` readings by design.
    public mutating func apply(_ status: DeviceStatus, now: Timestamp) -> [Transition] {
        let code = try! TopicLevel("device_unreachable")
        let key = Key(asset: status.asset, code: code)
        switch (status.state, active[key]) {
        case (.unreachable, nil):
            let alert = Alert(
                site: status.site, asset: status.asset, code: code, tier: .warning, state: .activeUnacked,
                firstRaised: now, lastChange: now, value: Double(status.consecutiveFailures), limit: 0, jar: nil,
                message:
                    "device \(status.device) (\(status.source)) stopped answering: \(status.lastError ?? "no reply")",
                recommendation: "check the device's power, wiring, address and the bus settings")
            active[key] = alert
            return [transition(.raised, nil, alert, now)]
        case (.ok, let alert?), (.degraded, let alert?):
            return [clear(key, alert, now)]
        default:
            return []
        }
    }

    private static func isWorse(_ finding: Finding, than other: Finding) -> Bool {
        if finding.severity != other.severity { return finding.severity > other.severity }
        return abs(finding.value - finding.limit) > abs(other.value - other.limit)
    }

    private func update(_ alert: inout Alert, with finding: Finding) {
        alert.value = finding.value
        alert.limit = finding.limit
        alert.jar = finding.jar
        alert.message = finding.message
        alert.recommendation = finding.recommendation
    }

    /// Back to normal: the event says so, and the empty retained payload removes the alarm.
    mutating func clear(_ key: Key, _ alert: Alert, _ now: Timestamp) -> Transition {
        var cleared = alert
        cleared.state = .normal
        cleared.lastChange = now
        active[key] = nil
        var event = transition(.cleared, alert.tier, cleared, now)
        event.retained = nil
        return event
    }

    mutating func transition(
        _ kind: AlertEvent.Transition, _ previous: Severity?, _ alert: Alert, _ now: Timestamp
    ) -> Transition {
        eventCounter += 1
        let event = AlertEvent(
            eventID: "\(eventPrefix)-\(eventCounter)", ts: now, transition: kind, previousTier: previous, alert: alert)
        return Transition(event: event, retained: alert)
    }
}
