public import VigilDomain
import VigilMQTT
public import VigilOutbox
public import VigilRuntime

/// Turns evaluations into alarms: retained `alert/<asset>/<code>` while active, an empty retained
/// payload when cleared, and every transition on `alert-events`.
public struct AlerterAgent: Agent {
    public struct Settings: Sendable {
        /// Alarm transitions wait here until the recorder acknowledges them, like readings.
        public var outbox: OutboxSettings
    }

    public static let name = "alerter"

    public init() {}

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly(["outbox"])
        return Settings(outbox: try OutboxSettings(try section.child("outbox")))
    }

    /// Its own retained alerts first (retained evaluations arrive right after): after a restart the alerter adopts what it had raised, so an
    /// alarm raised before the restart is still cleared when its condition goes away.
    public func subscriptions(_ topics: Topics) -> [String] {
        [topics.allAlerts, topics.allEvaluations, topics.allDevices, topics.allStatus]
    }

    public func subscriptions(_ topics: Topics, agentID: TopicLevel) -> [String] {
        subscriptions(topics) + [topics.ack(agentID)]
    }

    /// The outbox's name for the alerter's one stream of numbered events.
    static let eventStream = try! TopicLevel("alert-events")

    public func run(_ context: AgentContext<Settings>) async throws {
        var book = AlarmBook(eventPrefix: "\(context.common.agentID)-\(Timestamp.now().millisecondsSinceEpoch)")
        var dropped: [TopicLevel: Int] = [:]
        let outbox = try Outbox(
            path: context.common.stateDirectory + "/alerter.db", context: context, settings: { $0.outbox })
        outbox.start()
        var sequences = SequenceNumbers(last: outbox.lastSequences)
        func publish(_ transition: AlarmBook.Transition) {
            var transition = transition
            transition.event.alerter = context.common.agentID
            transition.event.seq = sequences.next(Self.eventStream.rawValue)
            self.publish(transition, outbox, context)
        }
        for await message in context.messages {
            switch context.topics.parse(message.topic) {
            case .ack(let agent):
                guard agent == context.common.agentID else { continue }
                if let ack = context.decode(Acknowledgement.self, from: message) { outbox.acknowledge(ack) }
            case .alert(let asset, let code):
                // Only the retained copy delivered at subscribe time is history; live echoes of
                // our own publishes arrive with retain=false and must not resurrect a cleared alarm.
                guard message.retain, !message.payload.isEmpty,
                    let alert = context.decode(Alert.self, from: message)
                else { continue }
                // Adopting an alarm whose body names another topic would clear the wrong one later.
                guard alert.asset == asset, alert.code == code, alert.site == context.common.site else {
                    context.reject(message, reason: "asset/code/site: payload does not match its topic")
                    continue
                }
                book.restore(alert)
            case .evaluation(let asset):
                guard let evaluation = context.decode(Evaluation.self, from: message) else { continue }
                guard evaluation.asset == asset, evaluation.site == context.common.site else {
                    context.reject(
                        message,
                        reason: "asset/site: payload says \(evaluation.site)/\(evaluation.asset), topic says \(asset)")
                    continue
                }
                for transition in book.apply(evaluation, now: .now()) {
                    publish(transition)
                }
            case .device(let device):
                guard let status = context.decode(DeviceStatus.self, from: message) else { continue }
                guard status.device == device, status.site == context.common.site else {
                    context.reject(message, reason: "device/site: payload does not match its topic")
                    continue
                }
                for transition in book.apply(status, now: .now()) {
                    publish(transition)
                }
            case .status(let agent):
                // Empty: a retained status being cleared. Other agents' statuses carry no outbox count.
                guard !message.payload.isEmpty, let status = context.decode(AgentStatus.self, from: message),
                    status.agent == agent, status.counters["outbox_dropped"] != nil
                else { continue }
                for transition in book.apply(status, previousDropped: dropped[agent], now: .now()) {
                    publish(transition)
                }
                dropped[agent] = status.counters["outbox_dropped"]
            default:
                context.reject(
                    message, reason: "topic is not an evaluation, alert, device or status topic of this site")
            }
        }
        await outbox.close()
    }

    /// The retained state goes straight out (the next one replaces it); the event, which is
    /// history, goes through the outbox so a crash or a broker restart cannot lose it.
    private func publish(_ transition: AlarmBook.Transition, _ outbox: Outbox, _ context: AgentContext<Settings>) {
        let alert = transition.event.alert
        context.counters.increment("alerts_\(transition.event.transition.rawValue)")
        context.log.notice(
            "\(transition.event.transition.rawValue) \(alert.tier.rawValue) \(alert.asset)/\(alert.code): \(alert.message)"
        )
        context.enqueue(
            MQTTMessage(
                topic: context.topics.alert(alert.asset, alert.code),
                payload: transition.retained.map { PayloadCodec.encode($0) } ?? [], qos: .atLeastOnce, retain: true))
        outbox.submit(
            asset: Self.eventStream, seq: transition.event.seq ?? 0, topic: context.topics.alertEvents,
            payload: PayloadCodec.encode(transition.event))
    }
}
