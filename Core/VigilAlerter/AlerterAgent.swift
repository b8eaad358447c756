public import VigilDomain
import VigilMQTT
public import VigilOutbox
public import VigilRuntime

/// Turns findings, unreachable devices and overflowing outboxes into alarms with an ISA-18.2
/// life: retained `alert/<asset>/<code>` while not normal, an empty retained payload when normal
/// again, every transition on `alert-events`, operator commands on `command/alert/…`.
public struct AlerterAgent: Agent {
    public static let name = "alerter"

    public init() {}

    /// Its own retained alerts first (retained evaluations arrive right after): after a restart the
    /// alerter adopts what it published but did not save, so such an alarm can still be cleared.
    public func subscriptions(_ topics: Topics) -> [String] {
        [topics.allAlerts, topics.allEvaluations, topics.allDevices, topics.allStatus, topics.allAlertCommands]
    }

    public func subscriptions(_ topics: Topics, agentID: TopicLevel) -> [String] {
        subscriptions(topics) + [topics.ack(agentID)]
    }

    /// The outbox's name for the alerter's one stream of numbered events.
    static let eventStream = try! TopicLevel("alert-events")

    enum Input: Sendable {
        case message(MQTTMessage)
        case tick
    }

    public func run(_ context: AgentContext<Settings>) async throws {
        let statePath = context.common.stateDirectory + "/alerter-state.json"
        let outbox = try Outbox(
            path: context.common.stateDirectory + "/alerter.db", context: context, settings: { $0.outbox })
        var book = startingBook(context, statePath: statePath, outbox: outbox)
        var sequences = book.sequences
        outbox.start()
        var hookSettings = context.settings.hook
        var hook = NotificationHook(settings: hookSettings, counters: context.counters, log: context.log)
        var dropped: [TopicLevel: Int] = [:]

        /// Numbers the transitions, saves the book with them, then publishes them: in that order,
        /// so a crash anywhere loses and repeats nothing (see `AlerterState`).
        func publish(_ transitions: [AlarmBook.Transition]) {
            guard !transitions.isEmpty else { return }
            var numbered = transitions
            for index in numbered.indices where numbered[index].event != nil {
                numbered[index].event!.alerter = context.common.agentID
                numbered[index].event!.seq = sequences.next(Self.eventStream.rawValue)
            }
            save(book.book, journal: numbered.compactMap(\.event), to: statePath, context)
            for transition in numbered { self.publish(transition, outbox, hook, context) }
        }

        // What the broker shows must match the saved state, whatever a crash left retained.
        for alert in book.book.alarms {
            context.enqueue(
                MQTTMessage(
                    topic: context.topics.alert(alert.asset, alert.code), payload: PayloadCodec.encode(alert),
                    qos: .atLeastOnce, retain: true))
        }

        let (inputs, sink) = AsyncStream.makeStream(of: Input.self)
        let forwarder = Task {
            for await message in context.messages { sink.yield(.message(message)) }
            sink.finish()
        }
        let ticker = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
                sink.yield(.tick)
            }
        }
        defer {
            forwarder.cancel()
            ticker.cancel()
        }
        var dirty = false
        for await input in inputs {
            guard case .message(let message) = input else {
                let settings = context.settings
                if settings.book != book.book.configuration { book.book.configuration = settings.book }
                if settings.hook != hookSettings {
                    hook.stop()
                    hookSettings = settings.hook
                    hook = NotificationHook(settings: hookSettings, counters: context.counters, log: context.log)
                }
                let transitions = book.book.tick(now: .now())
                context.counters.set("alarms_shown", to: book.book.alarms.count)
                if !transitions.isEmpty {
                    publish(transitions)
                } else if dirty {
                    // Half-run delays and sample counts: saved once a second, not per evaluation.
                    save(book.book, journal: [], to: statePath, context)
                }
                dirty = false
                continue
            }
            dirty = true
            switch context.topics.parse(message.topic) {
            case .ack(let agent):
                guard agent == context.common.agentID else { continue }
                if let ack = context.decode(Acknowledgement.self, from: message) { outbox.acknowledge(ack) }
            case .alert(let asset, let code):
                // Only the retained copy delivered at subscribe time is history; live echoes of
                // our own publishes arrive with retain=false and must not resurrect a cleared alarm.
                guard message.retain else { continue }
                let key = AlarmBook.Key(asset: asset, code: code)
                if book.book.alarm(key) == nil, book.knowsState {
                    // Retained by a run that crashed before saving its clear: normal by the saved state.
                    if !message.payload.isEmpty {
                        context.enqueue(
                            MQTTMessage(
                                topic: message.topic, payload: [], qos: .atLeastOnce, retain: true))
                    }
                    continue
                }
                guard !message.payload.isEmpty, let alert = context.decode(Alert.self, from: message) else { continue }
                // Adopting an alarm whose body names another topic would clear the wrong one later.
                guard alert.asset == asset, alert.code == code, alert.site == context.common.site else {
                    context.reject(message, reason: "asset/code/site: payload does not match its topic")
                    continue
                }
                book.book.adopt(alert)
            case .evaluation(let asset):
                let evaluation: EvaluationFindings
                do {
                    evaluation = try EvaluationFindings.decode(
                        message.payload, maximumBytes: context.common.maximumPayloadBytes)
                } catch {
                    context.reject(message, reason: error.description)
                    continue
                }
                guard evaluation.asset == asset, evaluation.site == context.common.site else {
                    context.reject(
                        message,
                        reason: "asset/site: payload says \(evaluation.site)/\(evaluation.asset), topic says \(asset)")
                    continue
                }
                context.counters.increment("evaluations")
                publish(book.book.apply(evaluation, now: .now(), replayed: message.retain))
            case .device(let device):
                guard let status = context.decode(DeviceStatus.self, from: message) else { continue }
                guard status.device == device, status.site == context.common.site else {
                    context.reject(message, reason: "device/site: payload does not match its topic")
                    continue
                }
                publish(book.book.apply(status, now: .now()))
            case .status(let agent):
                // Empty: a retained status being cleared. Other agents' statuses carry no outbox count.
                guard !message.payload.isEmpty, let status = context.decode(AgentStatus.self, from: message),
                    status.agent == agent, status.counters["outbox_dropped"] != nil
                else { continue }
                publish(book.book.apply(status, previousDropped: dropped[agent], now: .now()))
                dropped[agent] = status.counters["outbox_dropped"]
            case .alertCommand(let asset, let code, let action):
                publish(command(action, AlarmBook.Key(asset: asset, code: code), message, &book.book, context))
            case .alertReply:
                continue
            default:
                context.reject(
                    message, reason: "topic is not an evaluation, alert, device, status or command topic of this site")
            }
        }
        hook.stop()
        save(book.book, journal: [], to: statePath, context)
        await outbox.close()
    }

    /// The retained state goes straight out (the next one replaces it); the event, which is
    /// history, goes through the outbox so a crash or a broker restart cannot lose it.
    private func publish(
        _ transition: AlarmBook.Transition, _ outbox: Outbox, _ hook: NotificationHook,
        _ context: AgentContext<Settings>
    ) {
        context.enqueue(
            MQTTMessage(
                topic: context.topics.alert(transition.key.asset, transition.key.code),
                payload: transition.retained.map { PayloadCodec.encode($0) } ?? [], qos: .atLeastOnce, retain: true))
        guard let event = transition.event else { return }
        let alert = event.alert
        context.counters.increment("alerts_\(event.transition.rawValue)")
        context.log.notice(
            "\(event.transition.rawValue) \(alert.tier.rawValue) \(alert.asset)/\(alert.code) (\(alert.state.rawValue)): "
                + alert.message)
        outbox.submit(
            asset: Self.eventStream, seq: event.seq ?? 0, topic: context.topics.alertEvents,
            payload: PayloadCodec.encode(event))
        if transition.notify { hook.submit(event) }
    }
}
