import Synchronization
public import VigilDomain
import VigilMQTT
public import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Every reading (and every alarm transition) passes through here: committed to the outbox file,
/// then published, and deleted only once the recorder acknowledges it on `ack/<agent>`. What stays
/// unacknowledged past `ack_timeout_s` is sent again, marked `historical`, at most `resend_per_s`
/// a second.
///
/// One thread owns the file. Producers (bus threads, the simulator) hand readings over without
/// waiting; the thread commits whatever has gathered in one transaction, so the batch grows with
/// the load and a quiet site still publishes at once.
public final class Outbox: Sendable {
    struct Pending: Sendable {
        var entries: [OutboxStore.Entry] = []
        var acks: [Acknowledgement] = []
        var closing = false
    }

    /// The last committed number of each asset when the outbox opened: numbering continues there.
    public let lastSequences: [String: UInt64]
    /// Readings handed over but not yet committed, at most: about 9 MB of battery readings, and as
    /// much again in the transaction being committed.
    static let maximumPending = 4000
    /// Publishes the MQTT client may hold for the broker at once.
    static let maximumOutstanding = 1000
    private let pending = Mutex(Pending())
    /// The highest number committed to the file so far, per asset.
    private let committed: Mutex<[String: UInt64]>
    private nonisolated(unsafe) let store: OutboxStore
    private nonisolated(unsafe) let wake: UnsafeMutablePointer<sem_t>
    private let finished = Latch()
    private let context: Context

    /// What the outbox needs of its agent, without knowing the agent's settings type.
    struct Context: Sendable {
        var owner: TopicLevel
        var counters: Counters
        var log: Logger
        var isConnected: @Sendable () -> Bool
        var outstanding: @Sendable () -> Int
        var enqueue: @Sendable (MQTTMessage) -> Void
        var settings: @Sendable () -> OutboxSettings
    }

    /// - Parameter settings: picks the outbox settings out of the agent's, read anew each time so a
    ///   remote configuration change applies.
    public init<Settings>(
        path: String, context agent: AgentContext<Settings>,
        settings: @escaping @Sendable (Settings) -> OutboxSettings
    ) throws {
        store = try OutboxStore(path: path)
        lastSequences = try store.lastSequences()
        committed = Mutex(lastSequences)
        context = Context(
            owner: agent.common.agentID, counters: agent.counters, log: agent.log,
            // At a stop the client no longer reads the broker's acknowledgements; what is not
            // published by then is published at the next start.
            isConnected: { agent.isConnected && !agent.isStopping }, outstanding: { agent.outstandingPublishes },
            enqueue: { agent.enqueue($0) },
            settings: { settings(agent.settings) })
        let context = self.context
        wake = .allocate(capacity: 1)
        sem_init(wake, 0, 0)
        context.counters.set("outbox_entries", to: store.count)
        // Present from the start, so the alerter has a baseline to tell new drops from old ones.
        context.counters.set("outbox_dropped", to: 0)
        if store.count > 0 {
            context.log.notice("outbox holds \(store.count) unacknowledged readings from before; sending them again")
        }
    }

    deinit {
        sem_destroy(wake)
        wake.deallocate()
    }

    public func start() {
        OSThread.spawn { [self] in run() }
    }

    /// Hands a reading over; it is committed and published by the outbox thread.
    ///
    /// When the disk cannot keep up and `maximumPending` readings already wait, the caller waits
    /// too (a bus thread simply polls later): memory stays bounded and nothing is dropped.
    public func submit(asset: TopicLevel, seq: UInt64, topic: String, payload: [UInt8]) {
        var waited = false
        while pending.withLock({ $0.entries.count >= Self.maximumPending && !$0.closing }) {
            if !waited {
                waited = true
                context.counters.increment("outbox_waits")
            }
            usleep(1000)
        }
        let first = pending.withLock { pending in
            pending.entries.append(.init(asset: asset.rawValue, seq: seq, topic: topic, payload: payload))
            return pending.entries.count == 1
        }
        if first { sem_post(wake) }
    }

    /// The highest number of `asset` committed to the file: what a crash can no longer lose. The
    /// alerter keeps the transitions above it in its own state file until they are.
    public func committedSequence(_ asset: String) -> UInt64 {
        committed.withLock { $0[asset] ?? 0 }
    }

    public func acknowledge(_ ack: Acknowledgement) {
        pending.withLock { $0.acks.append(ack) }
        sem_post(wake)
    }

    /// Commits and publishes what was handed over, then stops the thread and closes the file.
    public func close() async {
        pending.withLock { $0.closing = true }
        sem_post(wake)
        _ = await finished.wait()
    }

    private func run() {
        var lastResend = Timestamp.now().millisecondsSinceEpoch
        var lastSizeCheck: Int64 = 0
        var failures = 0
        while true {
            var deadline = timespec()
            clock_gettime(CLOCK_REALTIME, &deadline)
            deadline.tv_sec += 1
            _ = sem_timedwait(wake, &deadline)
            let (entries, acks, closing) = pending.withLock { pending in
                defer {
                    pending.entries = []
                    pending.acks = []
                }
                return (pending.entries, pending.acks, pending.closing)
            }
            let now = Timestamp.now().millisecondsSinceEpoch
            do {
                if !acks.isEmpty { try apply(acks) }
                if !entries.isEmpty { try commitAndPublish(entries, now: now, closing: closing) }
                failures = 0
            } catch {
                failures += 1
                // Readings that cannot be committed are not published: they would be numbers the
                // next start hands out again. Keep them and retry; the disk may come back.
                if !entries.isEmpty {
                    pending.withLock { $0.entries.insert(contentsOf: entries, at: 0) }
                }
                let count = context.counters.increment("outbox_write_failed")
                if count <= 5 || count % 100 == 0 {
                    context.log.error("outbox: cannot write \(entries.count) readings: \(error)")
                }
                if closing {
                    context.counters.increment("outbox_lost_at_stop", by: entries.count)
                    context.log.error("outbox: \(entries.count) readings could not be kept at stop")
                    break
                }
                usleep(UInt32(min(failures, 10) * 100_000))
                continue
            }
            if closing { break }
            do {
                if now - lastResend >= 200 {
                    try resend(now: now, elapsed: now - lastResend)
                    lastResend = now
                }
                if now - lastSizeCheck >= 1000 {
                    lastSizeCheck = now
                    try enforceLimit()
                }
            } catch {
                let count = context.counters.increment("outbox_write_failed")
                if count <= 5 || count % 100 == 0 { context.log.error("outbox: \(error)") }
            }
        }
        store.close()
        finished.set()
    }

    private func commitAndPublish(_ entries: [OutboxStore.Entry], now: Int64, closing: Bool) throws {
        let online = !closing && context.isConnected()
        try store.append(entries, sentAt: online ? now : 0)
        committed.withLock { committed in
            for entry in entries where entry.seq > committed[entry.asset, default: 0] {
                committed[entry.asset] = entry.seq
            }
        }
        context.counters.set("outbox_entries", to: store.count)
        guard online else { return }
        for entry in entries {
            // The client keeps what the broker has not acknowledged in memory: hand over no more
            // than it can keep small. What is not handed over now is sent again after the timeout.
            guard waitForRoom() else { return }
            context.enqueue(MQTTMessage(topic: entry.topic, payload: entry.payload, qos: .atLeastOnce))
        }
    }

    /// At most `maximumOutstanding` publishes in the client's queue; false when the broker does not
    /// take them within two seconds (it went away, or it is far too slow).
    private func waitForRoom() -> Bool {
        var waited = 0
        while context.outstanding() >= Self.maximumOutstanding {
            guard waited < 2000, context.isConnected() else { return false }
            usleep(1000)
            waited += 1
        }
        return true
    }

    private func apply(_ acks: [Acknowledgement]) throws {
        var stored: [(asset: String, ranges: [ClosedRange<UInt64>])] = []
        for ack in acks where ack.collector == context.owner {
            for (asset, progress) in ack.assets { stored.append((asset, progress.stored)) }
        }
        let removed = try store.remove(stored)
        context.counters.increment("outbox_acknowledged", by: removed)
        context.counters.set("outbox_entries", to: store.count)
    }

    /// Sends again what went unacknowledged, longest unsent first, within the per-second budget.
    private func resend(now: Int64, elapsed: Int64) throws {
        guard context.isConnected(), store.count > 0 else { return }
        let settings = context.settings()
        let budget = max(1, min(settings.resendPerSecond, settings.resendPerSecond * Int(elapsed) / 1000))
        let timeout = settings.ackTimeout.components
        let cutoff = now - (timeout.seconds * 1000 + timeout.attoseconds / 1_000_000_000_000_000)
        let due = try store.due(cutoff: cutoff, limit: budget)
        guard !due.isEmpty else { return }
        var sent: [Int64] = []
        for item in due {
            guard waitForRoom() else { break }
            context.enqueue(
                MQTTMessage(topic: item.topic, payload: Reading.markedHistorical(item.payload), qos: .atLeastOnce))
            sent.append(item.id)
        }
        try store.markSent(sent, at: now)
        context.counters.increment("outbox_resent", by: sent.count)
    }

    /// Past the size limit the oldest readings go, never silently. Once a second at most, and only
    /// the estimated excess: freed pages show up in the size only once whole pages are empty.
    private func enforceLimit() throws {
        let limit = context.settings().maxBytes
        let used = try store.usedBytes()
        guard used > limit, store.count > 0 else { return }
        let perRow = max(1, used / store.count)
        let dropped = try store.dropOldest(max(100, (used - limit) / perRow + 1))
        let total = context.counters.increment("outbox_dropped", by: dropped)
        context.counters.set("outbox_entries", to: store.count)
        context.log.error(
            "outbox is full (\(limit >> 20) MiB): dropped the \(dropped) oldest unacknowledged readings "
                + "(\(total) so far); is the recorder running?")
    }
}
