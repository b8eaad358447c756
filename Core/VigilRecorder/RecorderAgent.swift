import Synchronization
public import VigilDomain
import VigilMQTT
public import VigilRuntime
import VigilStore

#if canImport(Glibc)
    import Glibc
#endif

/// Stores telemetry, evaluations, alarm history and rejections in SQLite, in batched
/// transactions (at most `batch_max` messages or `batch_ms` milliseconds per commit).
public struct RecorderAgent: Agent {
    public struct Settings: Sendable {
        /// nil = `<state_dir>/history.db`.
        public var database: String?
        public var batchMax: Int
        public var batchInterval: Duration
        /// Rows held in memory while the database cannot be written (disk full, locked).
        public var maxPending: Int
        /// Raw telemetry, evaluations and device status are kept this long.
        public var retentionDays: Int
        /// Hourly and daily rollups, alarm history and rejected readings are kept this long.
        public var rollupRetentionDays: Int
        /// The database's budget; past it the oldest raw rows are pruned.
        public var maxDatabaseBytes: Int
        /// How long rollups wait in memory before they are written.
        public var rollupInterval: Duration
        /// SQLite's page cache, in MiB.
        public var cacheMegabytes: Int
        /// How often what was committed is synced to disk; acknowledgements wait for the sync
        /// (`PendingAcknowledgements`). Zero syncs after every commit.
        public var syncInterval: Duration
        /// Every thread in `SCHED_IDLE` (`CPUPriority`): history gives way to the alarm path, and
        /// what it cannot write in an overload waits in the collectors' outboxes.
        public var idlePriority: Bool
    }

    public static let name = "recorder"
    /// The recorder must not miss what was published while it restarted: a persistent session
    /// makes the broker queue QoS 1 messages for it.
    public static let persistentSession = true

    public init() {}

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly([
            "database", "batch_max", "batch_ms", "max_pending", "retention_days", "rollup_retention_days", "max_db_mb",
            "rollup_flush_s", "cache_mb", "idle_priority", "sync_ms",
        ])
        return Settings(
            database: try section.optionalString("database"),
            batchMax: try section.int("batch_max", default: 1000, in: 1...100_000),
            batchInterval: .milliseconds(try section.int("batch_ms", default: 50, in: 1...60_000)),
            maxPending: try section.int("max_pending", default: 100_000, in: 1000...10_000_000),
            retentionDays: try section.int("retention_days", default: 90, in: 1...36_500),
            rollupRetentionDays: try section.int("rollup_retention_days", default: 1825, in: 1...36_500),
            maxDatabaseBytes: try section.int("max_db_mb", default: 2048, in: 1...10_000_000) << 20,
            rollupInterval: .seconds(try section.int("rollup_flush_s", default: 60, in: 1...3600)),
            cacheMegabytes: try section.int("cache_mb", default: 2, in: 1...1024),
            syncInterval: .milliseconds(try section.int("sync_ms", default: 1000, in: 0...60_000)),
            idlePriority: try section.bool("idle_priority", default: true))
    }

    public static func validateChange(from current: Settings, to new: Settings) throws(ConfigError) {
        guard current.database == new.database else {
            throw ConfigError(key: "database", reason: "cannot change while the recorder runs; set it in the file")
        }
        guard current.cacheMegabytes == new.cacheMegabytes else {
            throw ConfigError(key: "cache_mb", reason: "cannot change while the recorder runs; set it in the file")
        }
        guard current.idlePriority == new.idlePriority else {
            throw ConfigError(key: "idle_priority", reason: "cannot change while the recorder runs; set it in the file")
        }
    }

    public func subscriptions(_ topics: Topics) -> [String] {
        [topics.allTelemetry, topics.allEvaluations, topics.alertEvents, topics.allRejected, topics.allDevices]
    }

    /// Acknowledgements to every collector and alerter whose stream it records.
    public func publications(_ topics: Topics, agentID: TopicLevel) -> [String] { [topics.allAcks] }

    enum Event: Sendable {
        /// Rows wait in `Intake`, collected on every tick; this wakes the loop early for a full
        /// batch, and for the end of the intake.
        case rows
        case tick
    }

    /// Decoded rows on their way from the network thread to the writing loop, handed over in bulk:
    /// one `AsyncStream` hop per row cost more than the decoding.
    struct Intake: Sendable {
        var rows: [RecordRow] = []
        var finished = false
    }

    public func run(_ context: AgentContext<Settings>) async throws {
        let settings = context.settings
        let path = settings.database ?? context.common.stateDirectory + "/history.db"
        let store = try RecorderStore(path: path, cacheMegabytes: settings.cacheMegabytes)
        context.log.notice("recording to \(path)")
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let topics = context.topics
        let limit = context.common.maximumPayloadBytes
        // Decoding runs on the MQTT network thread, beside the database writes, so a commit never
        // stalls the intake; but never more than a batch ahead of them, so a backlog stays on the
        // broker, not in memory.
        let intake = Mutex(Intake())
        let take: @Sendable (MQTTMessage) -> Void = { message in
            let row = RecordRow.make(from: message, topics: topics, maximumBytes: limit)
            if case .invalid(_, let reason, _) = row { context.reject(message, reason: reason) }
            // At most 5 s a message, as `DeliveryGate` does: the network thread must get back to
            // libmosquitto's loop in time for keepalive while a long retention pass holds the writer.
            // Read once a message: a copy of the settings under their lock each time showed in the
            // recorder's profile.
            let batchMax = context.settings.batchMax
            var waited = 0
            while waited < 10_000, intake.withLock({ $0.rows.count >= batchMax && !$0.finished }) {
                usleep(500)
                waited += 1
            }
            let count = intake.withLock { intake in
                intake.rows.append(row)
                return intake.rows.count
            }
            // The loop collects rows on its tick (every half `batch_ms`) and is woken early only
            // for a full batch: a steady stream must not cost a thread wake-up per message.
            if count >= batchMax { sink.yield(.rows) }
        }
        context.consume(take)
        let feeder = Task {
            // What arrived before `consume`, and the end of the intake when the agent stops.
            for await message in context.messages { take(message) }
            intake.withLock { $0.finished = true }
            sink.yield(.rows)
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.batchInterval / 2)
                sink.yield(.tick)
            }
        }
        defer {
            // The network thread must never wait for room that a stopped loop will not make.
            intake.withLock { $0.finished = true }
            feeder.cancel()
            ticker.cancel()
        }

        var batch = Batch(maxRows: settings.batchMax, maxAge: settings.batchInterval, maxPending: settings.maxPending)
        var held = PendingAcknowledgements()
        var lastSync = ContinuousClock.now
        var lastMaintenance: ContinuousClock.Instant?
        var lastExpiry: ContinuousClock.Instant?
        for await event in events {
            // Remote configuration may have changed the batching limits since the last message.
            let current = context.settings
            batch.maxRows = current.batchMax
            batch.maxAge = current.batchInterval
            batch.maxPending = current.maxPending
            let (rows, finished) = intake.withLock { intake in
                defer { intake.rows.removeAll(keepingCapacity: true) }
                return (intake.rows, intake.finished)
            }
            let now = ContinuousClock.now
            let dropped = batch.append(contentsOf: rows, now: now)
            if dropped > 0 { self.dropped(dropped, context) }
            if finished { sink.finish() }
            if case .tick = event {
                if lastMaintenance.map({ .now - $0 >= .seconds(10) }) ?? true {
                    if current.idlePriority { giveWay(context, first: lastMaintenance == nil) }
                    lastMaintenance = .now
                    let expire = lastExpiry.map { .now - $0 >= .seconds(600) } ?? true
                    if expire { lastExpiry = .now }
                    await maintain(store, context, expire: expire)
                }
                await flushRollups(store, context)
            }
            // Rows arrive in bulk: commit every batch that is due, not just one.
            while batch.isDue(now: .now), await flush(&batch, store, context, holding: &held) {}
            // After a quiet spell the first commit is synced at once; under a steady stream once
            // per `sync_ms`. A failed sync is retried after the same interval, not on every tick.
            if !held.isEmpty, ContinuousClock.now - lastSync >= current.syncInterval {
                lastSync = .now
                await sync(store, context, releasing: &held)
            }
        }
        ticker.cancel()
        // Commit everything still held, batch by batch; what cannot be written is counted, not hidden.
        while !batch.isEmpty {
            guard await flush(&batch, store, context, holding: &held) else {
                self.dropped(batch.removeAll(), context)
                break
            }
        }
        if !held.isEmpty { await sync(store, context, releasing: &held) }
        do {
            try await store.close()
        } catch {
            context.log.error("writing the last rollups failed; they are recomputed at the next start: \(error)")
        }
    }

    /// Moves the recorder's threads to `SCHED_IDLE` (`CPUPriority`), again every maintenance pass:
    /// a thread started while the list was read would be missed, and one started later inherits it.
    private func giveWay(_ context: AgentContext<Settings>, first: Bool) {
        do {
            let threads = try CPUPriority.yieldToOthers()
            context.counters.set("idle_priority", to: 1)
            if first { context.log.notice("giving way to the alarm path: \(threads) threads in SCHED_IDLE") }
        } catch {
            context.counters.set("idle_priority", to: 0)
            if first {
                context.log.warning(
                    "could not give way to the alarm path (\(error)); history competes with alarms for CPU. "
                        + "Under systemd the unit must allow sched_setscheduler (SystemCallFilter=)")
            }
        }
    }

    private func flushRollups(_ store: RecorderStore, _ context: AgentContext<Settings>) async {
        do {
            let written = try await store.flushRollupsIfDue(every: context.settings.rollupInterval)
            if written > 0 { context.counters.increment("rollups_written", by: written) }
        } catch {
            // The readings stay named in `rollup_pending`, so a retry or the next start writes them.
            let count = context.counters.increment("rollups_failed")
            if count <= 5 || count % 100 == 0 { context.log.error("writing rollups: \(error)") }
        }
    }

    private func maintain(_ store: RecorderStore, _ context: AgentContext<Settings>, expire: Bool) async {
        let settings = context.settings
        do {
            let result = try await store.maintain(
                now: Timestamp.now().millisecondsSinceEpoch, rawDays: settings.retentionDays,
                rollupDays: settings.rollupRetentionDays, maxBytes: settings.maxDatabaseBytes, expire: expire)
            context.counters.set("database_bytes", to: result.usedBytes)
            if result.expired > 0 { context.counters.increment("expired", by: result.expired) }
            if result.prunedForBudget > 0 {
                let total = context.counters.increment("pruned_for_budget", by: result.prunedForBudget)
                context.log.warning(
                    "database reached its budget of \(settings.maxDatabaseBytes >> 20) MiB: pruned the "
                        + "\(result.prunedForBudget) oldest rows (\(total) so far): raw readings first, then "
                        + "evaluations, then hourly rollups; daily rollups and alarm history are kept")
            }
        } catch {
            let count = context.counters.increment("maintenance_failed")
            if count <= 5 || count % 100 == 0 { context.log.error("retention and budget: \(error)") }
        }
    }

    private func dropped(_ count: Int, _ context: AgentContext<Settings>) {
        let total = context.counters.increment("dropped", by: count)
        // Logged like other floods: the first few, then every thousandth row.
        if total <= 5 || total % 1000 < count {
            context.log.error("database unwritable: dropped \(count) rows (\(total) so far)")
        }
    }

    /// Syncs every commit so far to disk, then sends the acknowledgements they earned. On failure
    /// (a full disk cannot take even the sync's one page) they stay held: the collectors keep the
    /// readings and send them again, which the ledger answers as duplicates.
    private func sync(
        _ store: RecorderStore, _ context: AgentContext<Settings>, releasing held: inout PendingAcknowledgements
    ) async {
        do {
            try await store.makeDurable(at: Timestamp.now().millisecondsSinceEpoch)
        } catch {
            let failures = context.counters.increment("sync_failed")
            if failures <= 5 || failures % 100 == 0 {
                context.log.error(
                    "syncing the history to disk failed (\(failures) failures so far); acknowledgements wait: \(error)")
            }
            return
        }
        context.counters.increment("syncs")
        for ack in held.take() {
            context.enqueue(
                MQTTMessage(
                    topic: context.topics.ack(ack.collector), payload: PayloadCodec.encode(ack), qos: .atLeastOnce))
        }
    }

    @discardableResult
    private func flush(
        _ batch: inout Batch, _ store: RecorderStore, _ context: AgentContext<Settings>,
        holding held: inout PendingAcknowledgements
    ) async -> Bool {
        let rows = batch.take()
        do {
            let outcome = try await store.write(rows, receivedAt: Timestamp.now().millisecondsSinceEpoch)
            for (table, count) in outcome.inserted { context.counters.increment("stored_\(table)", by: count) }
            if outcome.duplicates > 0 { context.counters.increment("duplicates", by: outcome.duplicates) }
            context.counters.increment("commits")
            context.counters.set("disk_full", to: 0)
            // Sent after the next sync, not now: the collector deletes what an acknowledgement covers.
            held.hold(outcome.acknowledgements)
            // Over all of the collector's assets, so it returns to 0 once the last gap fills.
            for (collector, gaps) in outcome.gaps { context.counters.set("gaps_\(collector)", to: gaps) }
            return true
        } catch {
            // Keep the rows and try again on the next flush: a full disk may be freed. Nothing is
            // acknowledged meanwhile, so the collector keeps the readings in its outbox.
            batch.putBack(rows, now: .now)
            if let error = error as? SQLiteError, error.isDiskFull { context.counters.set("disk_full", to: 1) }
            let failures = context.counters.increment("write_failed")
            if failures <= 5 || failures % 100 == 0 {
                context.log.error("writing \(rows.count) rows failed (\(failures) failures so far): \(error)")
            }
            return false
        }
    }
}
