import VigilDomain
import VigilOutbox
import VigilRuntime

extension AlerterAgent {
    struct StartingBook {
        var book: AlarmBook
        var sequences: SequenceNumbers
        /// A saved state was found: it, not the retained topics, says which alarms exist.
        var knowsState: Bool
        /// Saved transitions the outbox had not committed, handed to it again now.
        var journal: [AlertEvent] = []
    }

    /// The book as the last run saved it, with the transitions it saved but may not have handed
    /// to the outbox handed over now, under their own numbers.
    func startingBook(_ context: AgentContext<Settings>, statePath: String, outbox: Outbox) -> StartingBook {
        var last = outbox.lastSequences
        let stream = Self.eventStream.rawValue
        let fresh = AlarmBook(
            site: context.common.site,
            eventPrefix: "\(context.common.agentID)-\(Timestamp.now().millisecondsSinceEpoch)",
            configuration: context.settings.book)
        let state: AlerterState?
        do {
            state = try AlerterState.load(statePath)
        } catch {
            context.log.error("\(statePath) is unreadable (\(error)); starting from the retained alarms")
            context.counters.increment("state_unreadable")
            state = nil
        }
        guard let state else {
            return StartingBook(book: fresh, sequences: SequenceNumbers(last: last), knowsState: false)
        }
        let committed = last[stream] ?? 0
        for event in state.journal {
            guard let seq = event.seq, seq > committed else { continue }
            outbox.submit(
                asset: Self.eventStream, seq: seq, topic: context.topics.alertEvents,
                payload: PayloadCodec.encode(event))
            last[stream] = max(last[stream] ?? 0, seq)
            context.counters.increment("events_recovered")
        }
        let book = AlarmBook(site: context.common.site, memory: state.memory, configuration: context.settings.book)
        context.log.notice("restored \(book.alarms.count) alarms from \(statePath)")
        return StartingBook(book: book, sequences: SequenceNumbers(last: last), knowsState: true)
    }

    func save(_ state: AlerterState, to path: String, _ context: AgentContext<Settings>) {
        do {
            try state.save(path)
        } catch {
            context.counters.increment("state_write_failed")
            context.log.error("saving \(path): \(error)")
        }
    }
}
