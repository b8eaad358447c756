public import VigilDomain

/// What `vigil watch` shows: one line per alarm transition or agent state change, and a
/// periodic summary. Pure: messages in, lines out, so the view is tested without a broker.
public struct SiteWatch: Sendable {
    public let topics: Topics
    private var readingsSinceSummary = 0
    private var lastSummary: Timestamp?
    private var assets: Set<TopicLevel> = []
    private var activeAlerts: [String: Alert] = [:]
    private var agents: [TopicLevel: AgentStatus] = [:]

    public init(site: TopicLevel) { topics = Topics(site: site) }

    /// Lines to print now for one received message.
    public mutating func ingest(topic: String, payload: [UInt8]) -> [String] {
        switch topics.parse(topic) {
        case .telemetry(let asset):
            readingsSinceSummary += 1
            assets.insert(asset)
        case .alert(let asset, let code):
            let key = "\(asset)/\(code)"
            if payload.isEmpty {
                activeAlerts[key] = nil
            } else if let alert = try? PayloadCodec.decode(Alert.self, from: payload) {
                activeAlerts[key] = alert
            }
        case .alertEvents:
            if let event = try? PayloadCodec.decode(AlertEvent.self, from: payload) { return [Self.line(event)] }
        case .status(let agent):
            guard let status = try? PayloadCodec.decode(AgentStatus.self, from: payload) else { return [] }
            let previous = agents[agent]?.state
            agents[agent] = status
            if previous != status.state {
                return ["\(Self.clock(status.ts))  agent \(agent) is \(status.state.rawValue) (pid \(status.pid))"]
            }
        case .rejected(let asset):
            let reason = (try? PayloadCodec.decode(Rejection.self, from: payload))?.reason ?? "unreadable rejection"
            return ["\(Self.clock(.now()))  REJECTED    \(asset): \(reason)"]
        default:
            break
        }
        return []
    }

    /// The periodic summary line; readings/s is measured since the previous summary.
    public mutating func summary(now: Timestamp) -> String {
        let seconds = lastSummary.map { Double(now.millisecondsSinceEpoch - $0.millisecondsSinceEpoch) / 1000 } ?? 0
        let rate = seconds > 0 ? Double(readingsSinceSummary) / seconds : 0
        readingsSinceSummary = 0
        lastSummary = now
        let critical = activeAlerts.values.filter { $0.tier == .critical }.count
        let stored = agents.values.filter { $0.agent.rawValue.hasPrefix("recorder") }
            .flatMap { $0.counters.filter { $0.key.hasPrefix("stored_") }.map(\.value) }.reduce(0, +)
        let states = agents.keys.sorted().map { "\($0) \(agents[$0]!.state == .online ? "up" : "DOWN")" }
        return "\(Self.clock(now))  summary: \(Self.oneDecimal(rate)) readings/s, \(assets.count) assets, "
            + "\(activeAlerts.count) active alerts (\(critical) critical), \(stored) rows stored; "
            + (states.isEmpty ? "no agents seen" : states.joined(separator: ", "))
    }

    public var activeAlertCount: Int { activeAlerts.count }

    static func line(_ event: AlertEvent) -> String {
        let alert = event.alert
        let transition = event.transition.rawValue.uppercased()
        let padded = transition + String(repeating: " ", count: max(0, 11 - transition.count))
        let tier = alert.tier.rawValue + String(repeating: " ", count: max(0, 8 - alert.tier.rawValue.count))
        let head = "\(clock(event.ts))  \(padded) \(tier) \(alert.asset)/\(alert.code)  "
        switch event.transition {
        case .cleared:
            return head + "back within limits (raised at \(clock(alert.firstRaised)))"
        case .raised, .escalated:
            return head + "\(alert.message) → \(alert.recommendation)"
        case .deescalated:
            return head + alert.message
        case .acknowledged, .shelved, .unshelved:
            let who = event.user.map { " by \($0)" } ?? ""
            let why = event.comment.map { ": \($0)" } ?? ""
            let until = event.transition == .shelved ? alert.shelvedUntil.map { " until \(clock($0))" } ?? "" : ""
            return head + "\(event.transition.rawValue)\(who)\(until)\(why)"
        case .suppressed, .unsuppressed:
            return head + "\(event.transition.rawValue) by design (\(alert.state.rawValue))"
        }
    }

    static func clock(_ timestamp: Timestamp) -> String {
        let text = timestamp.rfc3339
        return String(text.dropFirst(11).prefix(8))
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
