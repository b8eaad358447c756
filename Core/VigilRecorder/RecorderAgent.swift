public import VigilDomain
import VigilMQTT
public import VigilRuntime

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
    }

    public static let name = "recorder"
    /// The recorder must not miss what was published while it restarted: a persistent session
    /// makes the broker queue QoS 1 messages for it.
    public static let persistentSession = true

    public init() {}

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly(["database", "batch_max", "batch_ms", "max_pending"])
        return Settings(
            database: try section.optionalString("database"),
            batchMax: try section.int("batch_max", default: 1000, in: 1...100_000),
            batchInterval: .milliseconds(try section.int("batch_ms", default: 50, in: 1...60_000)),
            maxPending: try section.int("max_pending", default: 100_000, in: 1000...10_000_000))
    }

    public func subscriptions(_ topics: Topics) -> [String] {
        [topics.allTelemetry, topics.allEvaluations, topics.alertEvents, topics.allRejected]
    }

    enum Event: Sendable {
        case row(RecordRow)
        case tick
    }

    public func run(_ context: AgentContext<Settings>) async throws {
        let settings = context.settings
        let path = settings.database ?? context.common.stateDirectory + "/history.db"
        let store = try RecorderStore(path: path)
        context.log.notice("recording to \(path)")
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let topics = context.topics
        let limit = context.common.maximumPayloadBytes
        // Decoding runs beside the database writes, so a commit never stalls the intake.
        let feeder = Task {
            for await message in context.messages {
                let row = RecordRow.make(from: message, topics: topics, maximumBytes: limit)
                if case .invalid(_, let reason, _) = row { context.reject(message, reason: reason) }
                sink.yield(.row(row))
            }
            sink.finish()
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.batchInterval / 2)
                sink.yield(.tick)
            }
        }
        defer {
            feeder.cancel()
            ticker.cancel()
        }

        var batch = Batch(maxRows: settings.batchMax, maxAge: settings.batchInterval, maxPending: settings.maxPending)
        for await event in events {
            switch event {
            case .row(let row):
                let dropped = batch.append(row, now: .now)
                if dropped > 0 {
                    context.counters.increment("dropped", by: dropped)
                    context.log.error("database unwritable and \(settings.maxPending) rows pending: dropped the oldest")
                }
            case .tick:
                break
            }
            if batch.isDue(now: .now) { await flush(&batch, store, context) }
        }
        ticker.cancel()
        if !batch.isEmpty { await flush(&batch, store, context) }
        await store.close()
    }

    private func flush(_ batch: inout Batch, _ store: RecorderStore, _ context: AgentContext<Settings>) async {
        let rows = batch.take()
        do {
            let outcome = try await store.write(rows, receivedAt: Timestamp.now().millisecondsSinceEpoch)
            for (table, count) in outcome.inserted { context.counters.increment("stored_\(table)", by: count) }
            if outcome.duplicates > 0 { context.counters.increment("duplicates", by: outcome.duplicates) }
            context.counters.increment("commits")
        } catch {
            // Keep the rows and try again on the next flush: a full disk may be freed.
            batch.putBack(rows, now: .now)
            let failures = context.counters.increment("write_failed")
            if failures <= 5 || failures % 100 == 0 {
                context.log.error("writing \(rows.count) rows failed (\(failures) failures so far): \(error)")
            }
        }
    }
}
