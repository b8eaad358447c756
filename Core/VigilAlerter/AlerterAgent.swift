import Synchronization
public import VigilDomain
import VigilMQTT
import VigilOutbox
public import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

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

    public func publications(_ topics: Topics, agentID: TopicLevel) -> [String] {
        [topics.allAlerts, topics.alertEvents, topics.allAlertReplies]
    }

    /// The outbox's name for the alerter's one stream of numbered events.
    static let eventStream = try! TopicLevel("alert-events")

    enum Input: Sendable {
        /// Messages wait in `Intake`; this only wakes the loop when the first of them arrives.
        case messages
        case tick
    }

    struct Intake: Sendable {
        var messages: [MQTTMessage] = []
        var finished = false
    }

    static let maximumIntake = 2000

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

        // Transitions handed to the outbox but not yet committed by it.
        var journal = book.journal
        var savedRevision = book.book.revision
        var lastSave = ContinuousClock.now
        // The book is saved, and the events it covers handed to the outbox, on a thread of its own.
        let writer = AlerterStateWriter(
            save: { [self] state in save(state, to: statePath, context) },
            record: { [self] transitions in for transition in transitions { record(transition, outbox, context) } })
        func saveBook() {
            let committed = outbox.committedSequence(Self.eventStream.rawValue)
            journal.removeAll { ($0.seq ?? 0) <= committed }
            writer.submit(AlerterState(memory: book.book.memory, journal: journal))
            savedRevision = book.book.revision
            lastSave = .now
        }
        /// Shows the alarms' new states at once, numbers the transitions, and has the writer save
        /// the book with every transition the outbox has not yet committed before it hands the
        /// events to the outbox: history loses and repeats nothing across a crash (`AlerterState`).
        ///
        /// The retained state goes out before the save because the save is an fsync, tens of
        /// milliseconds on a gateway's flash, and an operator should see an alarm in a few. A
        /// crash inside that window leaves the broker a step ahead of the saved book; the restart
        /// puts the saved state back on the broker, and the evaluator's next evaluation (at the
        /// latest its heartbeat) takes the alarm where it was going, with one event for the step.
        func publish(_ transitions: [AlarmBook.Transition]) {
            guard !transitions.isEmpty else { return }
            for transition in transitions { announce(transition, context) }
            var numbered = transitions
            for index in numbered.indices where numbered[index].event != nil {
                numbered[index].event!.alerter = context.common.agentID
                numbered[index].event!.seq = sequences.next(Self.eventStream.rawValue)
            }
            let committed = outbox.committedSequence(Self.eventStream.rawValue)
            journal.removeAll { ($0.seq ?? 0) <= committed }
            journal += numbered.compactMap(\.event)
            writer.submit(AlerterState(memory: book.book.memory, journal: journal), transitions: numbered)
            savedRevision = book.book.revision
            lastSave = .now
            for case (let event?, true) in numbered.map({ ($0.event, $0.notify) }) { hook.submit(event) }
        }

        // What the broker shows must match the saved state, whatever a crash left retained.
        for alert in book.book.alarms {
            context.enqueue(
                MQTTMessage(
                    topic: context.topics.alert(alert.asset, alert.code), payload: PayloadCodec.encode(alert),
                    qos: .atLeastOnce, retain: true))
        }

        let (inputs, sink) = AsyncStream.makeStream(of: Input.self)
        // Messages are handed over in bulk from the network thread: one `AsyncStream` hop per
        // evaluation cost more than judging it. Never more than `maximumIntake` ahead of the loop,
        // so a backlog stays on the broker.
        let intake = Mutex(Intake())
        let take: @Sendable (MQTTMessage) -> Void = { message in
            // At most 5 s a message, so the network thread gets back to libmosquitto in time for keepalive.
            var waited = 0
            while waited < 10_000, intake.withLock({ $0.messages.count >= Self.maximumIntake && !$0.finished }) {
                usleep(500)
                waited += 1
            }
            let first = intake.withLock { intake in
                intake.messages.append(message)
                return intake.messages.count == 1
            }
            if first { sink.yield(.messages) }
        }
        context.consume(take)
        let feeder = Task {
            // What arrived before `consume`, and the end of the intake when the agent stops.
            for await message in context.messages { take(message) }
            intake.withLock { $0.finished = true }
            sink.yield(.messages)
        }
        let ticker = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
                sink.yield(.tick)
            }
        }
        defer {
            intake.withLock { $0.finished = true }
            feeder.cancel()
            ticker.cancel()
        }
        var dirty = false
        for await input in inputs {
            guard case .messages = input else {
                let settings = context.settings
                if settings.book != book.book.configuration { book.book.configuration = settings.book }
                if settings.hook != hookSettings {
                    hook.stop()
                    hookSettings = settings.hook
                    hook = NotificationHook(settings: hookSettings, counters: context.counters, log: context.log)
                }
                let transitions = book.book.tick(now: .now())
                context.counters.set("alarms_shown", to: book.book.shownCount)
                if !transitions.isEmpty {
                    publish(transitions)
                } else if dirty, book.book.revision != savedRevision || ContinuousClock.now - lastSave >= .seconds(60) {
                    // A delay that started or ended within a second; sample counts and the last
                    // evaluation seen once a minute: a site's evaluations must not wear the flash.
                    saveBook()
                }
                if ContinuousClock.now - lastSave < .seconds(1) { dirty = false }
                continue
            }
            let (messages, finished) = intake.withLock { intake in
                defer { intake.messages.removeAll(keepingCapacity: true) }
                return (intake.messages, intake.finished)
            }
            if finished { sink.finish() }
            for message in messages {
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
                    guard !message.payload.isEmpty, let alert = context.decode(Alert.self, from: message) else {
                        continue
                    }
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
                            reason:
                                "asset/site: payload says \(evaluation.site)/\(evaluation.asset), topic says \(asset)")
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
                        message,
                        reason: "topic is not an evaluation, alert, device, status or command topic of this site")
                }
            }
        }
        hook.stop()
        // The outbox commits what it holds as it closes; the journal is kept until then.
        saveBook()
        writer.stop()
        await outbox.close()
        save(AlerterState(memory: book.book.memory, journal: []), to: statePath, context)
    }

    /// The retained state goes straight out: the next one replaces it.
    private func announce(_ transition: AlarmBook.Transition, _ context: AgentContext<Settings>) {
        context.enqueue(
            MQTTMessage(
                topic: context.topics.alert(transition.key.asset, transition.key.code),
                payload: transition.retained.map { PayloadCodec.encode($0) } ?? [], qos: .atLeastOnce, retain: true))
    }

    /// The event, which is history, goes through the outbox so a crash or a broker restart
    /// cannot lose it. Runs on the state writer's thread, after the save that covers it.
    private func record(_ transition: AlarmBook.Transition, _ outbox: Outbox, _ context: AgentContext<Settings>) {
        guard let event = transition.event else { return }
        let alert = event.alert
        context.counters.increment("alerts_\(event.transition.rawValue)")
        context.log.notice(
            "\(event.transition.rawValue) \(alert.tier.rawValue) \(alert.asset)/\(alert.code) (\(alert.state.rawValue)): "
                + alert.message)
        outbox.submit(
            asset: Self.eventStream, seq: event.seq ?? 0, topic: context.topics.alertEvents,
            payload: PayloadCodec.encode(event))
    }
}
