import VigilDomain
import VigilStore

/// Owns the history database; one actor so every write goes through one connection in order.
actor RecorderStore {
    private let database: Database
    private var ledger: SequenceLedger

    struct Outcome: Sendable {
        var inserted: [String: Int] = [:]
        var duplicates = 0
        /// What to publish on `ack/<collector>`: the progress of every asset this batch touched,
        /// duplicates included (a collector resends what it never saw acknowledged).
        var acknowledgements: [Acknowledgement] = []
    }

    init(path: String) throws {
        database = try Database(path: path)
        try database.migrate(RecorderSchema.migrations)
        ledger = SequenceLedger(entries: try Self.loadLedger(database))
    }

    /// One transaction per batch: the commit is what makes many small writes cheap on flash. The
    /// ledger changes in the same transaction, and in memory only once it committed.
    func write(_ rows: [RecordRow], receivedAt now: Int64) throws -> Outcome {
        var outcome = Outcome()
        var updated = ledger
        var touched: [String: Set<String>] = [:]
        try database.transaction {
            for row in rows {
                let (table, changes) = try insert(row, now)
                if changes == 0 { outcome.duplicates += 1 } else { outcome.inserted[table, default: 0] += 1 }
                if case .telemetry(let asset, let seq, _, _, let collector?, _) = row {
                    updated.record(collector: collector, asset: asset, seq: UInt64(seq))
                    touched[collector, default: []].insert(asset)
                }
            }
            let save = try database.cached(
                "INSERT OR REPLACE INTO ledger (collector, asset, committed, above) VALUES (?, ?, ?, ?)")
            for (collector, assets) in touched {
                for asset in assets {
                    let entry = updated.entries[.init(collector: collector, asset: asset)] ?? .init()
                    try save.run(
                        .text(collector), .text(asset), .integer(Int64(entry.committed)),
                        .text(entry.above.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")))
                }
            }
        }
        ledger = updated
        for (collector, assets) in touched.sorted(by: { $0.key < $1.key }) {
            guard let level = try? TopicLevel(collector) else { continue }
            outcome.acknowledgements.append(ledger.acknowledgement(collector: level, assets: assets.sorted()))
        }
        return outcome
    }

    private static func loadLedger(_ database: Database) throws -> [SequenceLedger.Key: SequenceLedger.Entry] {
        var entries: [SequenceLedger.Key: SequenceLedger.Entry] = [:]
        for row in try database.query("SELECT collector, asset, committed, above FROM ledger") {
            guard case .text(let collector) = row[0], case .text(let asset) = row[1],
                case .integer(let committed) = row[2], case .text(let above) = row[3]
            else { continue }
            var entry = SequenceLedger.Entry(committed: UInt64(committed))
            for part in above.split(separator: ",") {
                let bounds = part.split(separator: "-").compactMap { UInt64($0) }
                if bounds.count == 2, bounds[0] <= bounds[1] { entry.above.append(bounds[0]...bounds[1]) }
            }
            entries[.init(collector: collector, asset: asset)] = entry
        }
        return entries
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
        case .telemetry(let asset, let seq, let ts, let kind, _, let payload):
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
        case .deviceStatus(let device, let ts, let state, let payload):
            let changes = try database.run(
                "INSERT OR IGNORE INTO device_status (device, ts_ms, state, received_ms, payload) VALUES (?, ?, ?, ?, ?)",
                .text(device), .integer(ts), .text(state), .integer(now), .text(payload))
            return ("device_status", changes)
        case .invalid(let topic, let reason, let payload):
            let changes = try database.run(
                "INSERT INTO invalid_messages (topic, reason, received_ms, payload) VALUES (?, ?, ?, ?)",
                .text(topic), .text(reason), .integer(now), .blob(payload))
            return ("invalid_messages", changes)
        }
    }
}
