import Synchronization

/// Saves an agent's state on a thread of its own, then hands the items that save covers to
/// `record`: the save's encoding and fsync, tens of milliseconds on a gateway's flash, never hold
/// up the loop that judges the next message. The alerter records its alarm transitions after the
/// save that covers them; the evaluator saves its baselines and records nothing.
///
/// Saves coalesce: the newest state must supersede any older one still waiting (the alerter's
/// journal keeps every event the outbox has not committed; the evaluator's baselines are simply
/// the latest), so a burst of changes costs one save, and the items are recorded in the order they
/// were submitted, after it.
///
/// The thread runs in `SCHED_IDLE` (`CPUPriority`): a save is a millisecond of encoding for the
/// alerter's book and a hundred for a large site's baselines, and woken as an ordinary thread it
/// often took the core from the broker or the agent that had just published an alarm, which
/// then waited for it.
public final class BackgroundSaver<State: Sendable, Item: Sendable>: Sendable {
    private struct Pending {
        var state: State?
        var items: [Item] = []
        /// Submitted and not yet saved and recorded.
        var busy = false
        var stopping = false
    }

    private let pending = Mutex(Pending())
    private let wake = ThreadSemaphore()
    private let done = ThreadSemaphore()
    private let save: @Sendable (State) -> Void
    private let record: @Sendable ([Item]) -> Void

    /// - Parameter placed: told once, on the saver's thread, that it runs in `SCHED_IDLE` (nil)
    ///   or why it could not (a seccomp filter without `sched_setscheduler`): the saves then
    ///   run all the same, as an ordinary thread.
    public init(
        save: @escaping @Sendable (State) -> Void, record: @escaping @Sendable ([Item]) -> Void = { _ in },
        placed: @escaping @Sendable (CPUPriority.Failure?) -> Void = { _ in }
    ) {
        self.save = save
        self.record = record
        OSThread.spawn { [self] in
            do throws(CPUPriority.Failure) {
                try CPUPriority.yieldThisThread()
                placed(nil)
            } catch {
                placed(error)
            }
            self.run()
        }
    }

    /// Returns at once; `state` is saved, then `items` recorded, on the saver's thread.
    public func submit(_ state: State, items: [Item] = []) {
        pending.withLock {
            $0.state = state
            $0.items += items
            $0.busy = true
        }
        wake.signal()
    }

    /// Waits until everything submitted so far is saved and recorded.
    public func flush() {
        while pending.withLock({ $0.busy }) {
            wake.signal()
            done.wait()
        }
    }

    /// Flushes, then ends the thread.
    public func stop() {
        flush()
        pending.withLock { $0.stopping = true }
        wake.signal()
    }

    private func run() {
        while true {
            wake.wait()
            let (state, items, stopping) = pending.withLock { pending in
                defer {
                    pending.state = nil
                    pending.items = []
                }
                return (pending.state, pending.items, pending.stopping)
            }
            if let state { save(state) }
            if !items.isEmpty { record(items) }
            let idle = pending.withLock { pending in
                if pending.state == nil && pending.items.isEmpty { pending.busy = false }
                return !pending.busy
            }
            if idle { done.signal() }
            if stopping { return }
        }
    }
}
