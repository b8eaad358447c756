import VigilDomain
import VigilMQTT
import VigilOutbox
import VigilRuntime

extension AlerterAgent {
    /// The book and what goes with it, judged on the MQTT network thread where each message
    /// arrives: a hop to a task was two thread wake-ups on every alarm's way out, the largest
    /// part of its latency on a busy gateway. The once-a-second tick takes the same lock.
    struct Loop: Sendable {
        let owner: AlerterAgent
        let context: AgentContext<Settings>
        let outbox: Outbox
        let writer: BackgroundSaver<AlerterState, AlarmBook.Transition>
        var book: AlarmBook
        var sequences: SequenceNumbers
        let knowsState: Bool
        var hookSettings: NotificationHook.Settings
        var hook: NotificationHook
        var dropped: [TopicLevel: Int] = [:]
        /// Transitions handed to the outbox but not yet committed by it.
        var journal: [AlertEvent]
        /// Transitions announced and not yet handed to the writer (see `publish`).
        var unsaved: [AlarmBook.Transition] = []
        var savedRevision: UInt64
        var lastSave = ContinuousClock.now
        /// A message arrived since the last tick that may have changed what is worth saving.
        var dirty = false

        init(
            owner: AlerterAgent, context: AgentContext<Settings>, starting: StartingBook, outbox: Outbox,
            writer: BackgroundSaver<AlerterState, AlarmBook.Transition>
        ) {
            self.owner = owner
            self.context = context
            self.outbox = outbox
            self.writer = writer
            book = starting.book
            sequences = starting.sequences
            knowsState = starting.knowsState
            journal = starting.journal
            savedRevision = starting.book.revision
            hookSettings = context.settings.hook
            hook = NotificationHook(settings: hookSettings, counters: context.counters, log: context.log)
        }

        /// What the broker shows must match the saved state, whatever a crash left retained.
        func showAlarms() {
            for alert in book.alarms {
                context.enqueue(
                    MQTTMessage(
                        topic: context.topics.alert(alert.asset, alert.code), payload: PayloadCodec.encode(alert),
                        qos: .atLeastOnce, retain: true))
            }
        }

        mutating func take(_ message: MQTTMessage) {
            dirty = true
            switch context.topics.parse(message.topic) {
            case .ack(let agent):
                guard agent == context.common.agentID else { return }
                if let ack = context.decode(Acknowledgement.self, from: message) { outbox.acknowledge(ack) }
            case .alert(let asset, let code):
                // Only the retained copy delivered at subscribe time is history; live echoes of
                // our own publishes arrive with retain=false and must not resurrect a cleared alarm.
                guard message.retain else { return }
                let key = AlarmBook.Key(asset: asset, code: code)
                if book.alarm(key) == nil, knowsState {
                    // Retained by a run that crashed before saving its clear: normal by the saved state.
                    if !message.payload.isEmpty {
                        context.enqueue(
                            MQTTMessage(
                                topic: message.topic, payload: [], qos: .atLeastOnce, retain: true))
                    }
                    return
                }
                guard !message.payload.isEmpty, let alert = context.decode(Alert.self, from: message) else {
                    return
                }
                // Adopting an alarm whose body names another topic would clear the wrong one later.
                guard alert.asset == asset, alert.code == code, alert.site == context.common.site else {
                    context.reject(message, reason: "asset/code/site: payload does not match its topic")
                    return
                }
                book.adopt(alert)
            case .evaluation(let asset):
                let evaluation: EvaluationFindings
                do {
                    evaluation = try EvaluationFindings.decode(
                        message.payload, maximumBytes: context.common.maximumPayloadBytes)
                } catch {
                    context.reject(message, reason: error.description)
                    return
                }
                guard evaluation.asset == asset, evaluation.site == context.common.site else {
                    context.reject(
                        message,
                        reason:
                            "asset/site: payload says \(evaluation.site)/\(evaluation.asset), topic says \(asset)")
                    return
                }
                context.counters.increment("evaluations")
                publish(book.apply(evaluation, now: .now(), replayed: message.retain), saveNow: false)
            case .device(let device):
                guard let status = context.decode(DeviceStatus.self, from: message) else { return }
                guard status.device == device, status.site == context.common.site else {
                    context.reject(message, reason: "device/site: payload does not match its topic")
                    return
                }
                publish(book.apply(status, now: .now()), saveNow: false)
            case .status(let agent):
                // Empty: a retained status being cleared. Other agents' statuses carry no outbox count.
                guard !message.payload.isEmpty, let status = context.decode(AgentStatus.self, from: message),
                    status.agent == agent, status.counters["outbox_dropped"] != nil
                else { return }
                publish(book.apply(status, previousDropped: dropped[agent], now: .now()), saveNow: false)
                dropped[agent] = status.counters["outbox_dropped"]
            case .alertCommand(let asset, let code, let action):
                publish(
                    owner.command(action, AlarmBook.Key(asset: asset, code: code), message, &book, context),
                    saveNow: false)
            case .alertReply:
                return
            default:
                context.reject(
                    message,
                    reason: "topic is not an evaluation, alert, device, status or command topic of this site")
            }
        }

        /// Once a second: settings that changed, delays that ran out, and a save when due.
        mutating func tick() {
            let settings = context.settings
            if settings.book != book.configuration { book.configuration = settings.book }
            if settings.hook != hookSettings {
                hook.stop()
                hookSettings = settings.hook
                hook = NotificationHook(settings: hookSettings, counters: context.counters, log: context.log)
            }
            let transitions = book.tick(now: .now())
            context.counters.set("alarms_shown", to: book.shownCount)
            if !transitions.isEmpty {
                publish(transitions)
            } else if !unsaved.isEmpty {
                // Judged on the agent's task (the backlog at start), where no turn ends to save them.
                saveBook()
            } else if dirty, book.revision != savedRevision || ContinuousClock.now - lastSave >= .seconds(60) {
                // A delay that started or ended within a second; sample counts and the last
                // evaluation seen once a minute: a site's evaluations must not wear the flash.
                saveBook()
            }
            if ContinuousClock.now - lastSave < .seconds(1) { dirty = false }
        }

        /// Hands the book and every transition not yet handed over to the writer, which saves the
        /// one before it gives the others' events to the outbox: history loses and repeats nothing
        /// across a crash (`AlerterState`). Notifications go out with them.
        mutating func saveBook() {
            let committed = outbox.committedSequence(AlerterAgent.eventStream.rawValue)
            journal.removeAll { ($0.seq ?? 0) <= committed }
            writer.submit(AlerterState(memory: book.memory, journal: journal), items: unsaved)
            savedRevision = book.revision
            lastSave = .now
            for case (let event?, true) in unsaved.map({ ($0.event, $0.notify) }) { hook.submit(event) }
            unsaved = []
        }

        /// The network thread has written what this turn published: the saves it held back go now.
        mutating func turnEnded() {
            if !unsaved.isEmpty { saveBook() }
        }

        /// Shows the alarms' new states at once and numbers the transitions; the book is saved
        /// with them at once (`saveNow`), or, on the network thread, at the end of its turn.
        ///
        /// Not before that: a publish made on the network thread is only queued until the turn
        /// ends, and handing the writer its state meant building the book's memory and waking the
        /// writer's thread, which then often took this core for the millisecond its encoding
        /// costs. Deferred, and with that thread in `SCHED_IDLE`, the median alarm at 2,000
        /// readings a second went from 1.46–1.49 to 1.13–1.14 ms (`vigil-bench --only latency`).
        ///
        /// The retained state goes out before the save because the save is an fsync, tens of
        /// milliseconds on a gateway's flash, and an operator should see an alarm in a few. A
        /// crash inside that window leaves the broker a step ahead of the saved book; the restart
        /// puts the saved state back on the broker, and the evaluator's next evaluation (at the
        /// latest its heartbeat) takes the alarm where it was going, with one event for the step.
        mutating func publish(_ transitions: [AlarmBook.Transition], saveNow: Bool = true) {
            guard !transitions.isEmpty else { return }
            for transition in transitions { owner.announce(transition, context) }
            var numbered = transitions
            for index in numbered.indices where numbered[index].event != nil {
                numbered[index].event!.alerter = context.common.agentID
                numbered[index].event!.seq = sequences.next(AlerterAgent.eventStream.rawValue)
            }
            journal += numbered.compactMap(\.event)
            unsaved += numbered
            if saveNow { saveBook() }
        }
    }
}
