import Synchronization
public import VigilDomain
import VigilMQTT
import VigilOutbox
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

    public func publications(_ topics: Topics, agentID: TopicLevel) -> [String] {
        [topics.allAlerts, topics.alertEvents, topics.allAlertReplies]
    }

    /// The outbox's name for the alerter's one stream of numbered events.
    static let eventStream = try! TopicLevel("alert-events")

    public func run(_ context: AgentContext<Settings>) async throws {
        let statePath = context.common.stateDirectory + "/alerter-state.json"
        let outbox = try Outbox(
            path: context.common.stateDirectory + "/alerter.db", context: context, settings: { $0.outbox })
        let starting = startingBook(context, statePath: statePath, outbox: outbox)
        outbox.start()
        // The book is saved, and the events it covers handed to the outbox, on a thread of its own.
        let writer = BackgroundSaver<AlerterState, AlarmBook.Transition>(
            save: { [self] state in save(state, to: statePath, context) },
            record: { [self] transitions in for transition in transitions { record(transition, outbox, context) } },
            placed: { context.saverPlaced($0) })
        let loop = Loop(owner: self, context: context, starting: starting, outbox: outbox, writer: writer)
        loop.showAlarms()
        let alerter = Mutex(loop)
        let ticker = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
                alerter.withLock { $0.tick() }
            }
        }
        await context.consumeInOrder(
            { message in alerter.withLock { $0.take(message) } }, turnEnded: { alerter.withLock { $0.turnEnded() } })
        ticker.cancel()
        await ticker.value
        let memory = alerter.withLock { loop in
            loop.hook.stop()
            loop.saveBook()
            return loop.book.memory
        }
        writer.stop()
        // The outbox commits what it holds as it closes; the journal is kept until then.
        await outbox.close()
        save(AlerterState(memory: memory, journal: []), to: statePath, context)
    }

    /// The retained state goes straight out: the next one replaces it.
    func announce(_ transition: AlarmBook.Transition, _ context: AgentContext<Settings>) {
        context.enqueue(
            MQTTMessage(
                topic: context.topics.alert(transition.key.asset, transition.key.code),
                payload: transition.retained.map { PayloadCodec.encode($0) } ?? [], qos: .atLeastOnce, retain: true))
    }

    /// The event, which is history, goes through the outbox so a crash or a broker restart
    /// cannot lose it. Runs on the state writer's thread, after the save that covers it.
    func record(_ transition: AlarmBook.Transition, _ outbox: Outbox, _ context: AgentContext<Settings>) {
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
