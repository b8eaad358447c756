import Synchronization
import VigilRuntime

/// Saves the alerter's book on a thread of its own, then hands the transitions that save covers
/// to `record` (the outbox and the hook): the save's fsync, tens of milliseconds on a gateway's
/// flash, never holds up the loop that judges the next evaluation and shows the next alarm.
///
/// Saves coalesce: the newest book and journal are a superset of any older ones waiting (the
/// journal keeps every event the outbox has not committed), so a burst of transitions costs one
/// save, and the transitions are recorded in the order they were submitted, after it.
final class AlerterStateWriter: Sendable {
    private struct Pending {
        var state: AlerterState?
        var transitions: [AlarmBook.Transition] = []
        /// Submitted and not yet saved and recorded.
        var busy = false
        var stopping = false
    }

    private let pending = Mutex(Pending())
    private let wake = ThreadSemaphore()
    private let done = ThreadSemaphore()
    private let save: @Sendable (AlerterState) -> Void
    private let record: @Sendable ([AlarmBook.Transition]) -> Void

    init(save: @escaping @Sendable (AlerterState) -> Void, record: @escaping @Sendable ([AlarmBook.Transition]) -> Void)
    {
        self.save = save
        self.record = record
        OSThread.spawn { [self] in self.run() }
    }

    /// Returns at once; `state` is saved, then `transitions` recorded, on the writer's thread.
    func submit(_ state: AlerterState, transitions: [AlarmBook.Transition] = []) {
        pending.withLock {
            $0.state = state
            $0.transitions += transitions
            $0.busy = true
        }
        wake.signal()
    }

    /// Waits until everything submitted so far is saved and recorded.
    func flush() {
        while pending.withLock({ $0.busy }) {
            wake.signal()
            done.wait()
        }
    }

    /// Flushes, then ends the thread.
    func stop() {
        flush()
        pending.withLock { $0.stopping = true }
        wake.signal()
    }

    private func run() {
        while true {
            wake.wait()
            let (state, transitions, stopping) = pending.withLock { pending in
                defer {
                    pending.state = nil
                    pending.transitions = []
                }
                return (pending.state, pending.transitions, pending.stopping)
            }
            if let state { save(state) }
            if !transitions.isEmpty { record(transitions) }
            let idle = pending.withLock { pending in
                if pending.state == nil && pending.transitions.isEmpty { pending.busy = false }
                return !pending.busy
            }
            if idle { done.signal() }
            if stopping { return }
        }
    }
}
