import VigilDomain
import VigilStore

/// Owns the history database; one actor so every write goes through one connection in order.
actor RecorderStore {
    private let database: Database

    struct Outcome: Sendable {
        var inserted: [String: Int] = [:]
        var duplicates = 0
    }

    init(path: String) throws {
        database = try Database(path: path)
        try database.migrate(RecorderSchema.migrations)
    }

    /// One transaction per batch: the commit is what makes many small writes cheap on flash.
    func write(_ rows: [RecordRow], receivedAt now: Int64) throws -> Outcome {
        var outcome = Outcome()
        try database.transaction {
            for row in rows {
                let (table, changes) = try insert(row, now)
                if changes == 0 { outcome.duplicates += 1 } else { outcome.inserted[table, default: 0] += 1 }
            }
        }
        return outcome
    }

    func count(_ table: String) throws -> Int {
        guard case .integer(let count)? = try database.query("SELECT count(*) FROM \(table)").first?.first else {
            return 0
        }
        return Int(count)
    }

    func close() { database.close() }

    private func insert(_ row: RecordRow, _ now: Int64) throws(SQLiteError) -> (String, Int) {
        switch row {
        case .telemetry(let asset, let seq, let ts, let kind, let payload):
            let changes = try database.run(
                "INSERT OR IGNORE INTO telemetry (asset, seq, ts_ms, kind, received_ms, payload) VALUES (?, ?, ?, ?, ?, ?)",
                .text(asset), .integer(seq), .integer(ts), .text(kind), .integer(now), .text(payload))
            return ("telemetry", changes)
        case .evaluation(let asset, let seq, let ts, let score, let findings, let payload):
            let changes = try database.run(
                "INSERT OR IGNORE INTO evaluations (asset, seq, ts_ms, score, findings, received_ms, payload) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                .text(asset), .integer(seq), .integer(ts), .real(score), .integer(Int64(findings)), .integer(now),
                .text(payload))
            return ("evaluations", changes)
        case .alertEvent(let id, let ts, let asset, let code, let transition, let tier, let payload):
            let changes = try database.run(
                "INSERT OR IGNORE INTO alert_events (event_id, ts_ms, asset, code, transition, tier, received_ms, payload) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                .text(id), .integer(ts), .text(asset), .text(code), .text(transition), .text(tier), .integer(now),
                .text(payload))
            return ("alert_events", changes)
        case .rejected(let asset, let seq, let reason, let payload):
            let changes = try database.run(
                "INSERT OR IGNORE INTO rejected (asset, seq, reason, received_ms, payload) VALUES (?, ?, ?, ?, ?)",
                .text(asset), .integer(seq), .text(reason), .integer(now), .text(payload))
            return ("rejected", changes)
        case .invalid(let topic, let reason, let payload):
            let changes = try database.run(
                "INSERT INTO invalid_messages (topic, reason, received_ms, payload) VALUES (?, ?, ?, ?)",
                .text(topic), .text(reason), .integer(now), .blob(payload))
            return ("invalid_messages", changes)
        }
    }
}
