public import VigilDomain
public import VigilMQTT

/// The recorder's own work without the broker, for `vigil-bench`: decoding each message and
/// storing it with its ledger and rollups, in the agent's batches. This is the part of the
/// recorder that SQLite's own batched insert speed (`sqlbench`) can fairly be compared with.
public enum RecorderProbe {
    /// Decodes and stores `messages` in a new database at `path`, `batch` rows a transaction,
    /// writing the rollups as the agent does (every 10,000 readings in a flood, and at the end);
    /// returns how many rows were stored and the seconds that took.
    ///
    /// The time runs from the first decode to the last commit, rollups included, and leaves out
    /// opening the database and closing it, as `sqlbench` does: the close is a WAL checkpoint of
    /// everything written, which the agent does in the background and `sqlbench` does not time.
    public static func store(
        _ messages: [MQTTMessage], site: TopicLevel, batch: Int, path: String, cacheMegabytes: Int = 2
    ) async throws -> (rows: Int, seconds: Double) {
        let store = try RecorderStore(path: path, cacheMegabytes: cacheMegabytes)
        let topics = Topics(site: site)
        let clock = ContinuousClock()
        let started = clock.now
        var stored = 0
        var start = 0
        while start < messages.count {
            let end = min(start + batch, messages.count)
            let rows = messages[start..<end].map { RecordRow.make(from: $0, topics: topics, maximumBytes: 65_536) }
            let outcome = try await store.write(rows, receivedAt: 0)
            stored += outcome.inserted.values.reduce(0, +)
            _ = try await store.flushRollupsIfDue(every: .seconds(60))
            start = end
        }
        try await store.flushRollups()
        let elapsed = started.duration(to: clock.now)
        try await store.close()
        return (stored, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
