import VigilDomain
import VigilStore

/// Owns the history database; one actor so every write goes through one connection in order.
actor RecorderStore {
    private let database: Database
    private var ledger: SequenceLedger
    /// Rollups of committed readings not yet written: each second of a battery site touches
    /// thousands of (asset, metric, hour) rows, and writing them once a minute instead of with
    /// every batch cuts the recorder's work at site load several times. `rollup_pending` names
    /// the readings they hold (ranges of each asset's numbers, committed with the readings), so a
    /// crash loses none of them.
    private var unflushed = RollupBatch()
    /// The readings stored since the rollups were last written, per asset, as in `rollup_pending`.
    private var unflushedReadings: [String: SequenceRanges] = [:]
    private var unflushedCount = 0
    private var unflushedSince: ContinuousClock.Instant?

    /// Past either, the rollups are written early: they bound the memory held and the readings a
    /// restart after a crash must roll up again (a replay at full speed spreads over many hours).
    static let maximumUnflushedRollups = 20_000
    static let maximumUnflushedReadings = 10_000

    struct Outcome: Sendable {
        var inserted: [String: Int] = [:]
        var duplicates = 0
        /// What to publish on `ack/<collector>`: the progress of every asset this batch touched,
        /// duplicates included (a collector resends what it never saw acknowledged).
        var acknowledgements: [Acknowledgement] = []
        /// Missing ranges over all assets of each collector this batch touched, for its status.
        var gaps: [String: Int] = [:]
    }

    /// - Parameter cacheMegabytes: SQLite's page cache; the index pages a flood touches stay in
    ///   memory, and on a small gateway this is most of the recorder's resident memory.
    init(path: String, cacheMegabytes: Int = 2) throws {
        database = try Database(path: path)
        try database.execute("PRAGMA cache_size = -\(cacheMegabytes * 1024)")
        try database.migrate(RecorderSchema.migrations)
        ledger = SequenceLedger(entries: try Self.loadLedger(database))
        try Self.recoverRollups(database)
    }

    /// Makes every transaction committed so far survive a power cut: one small commit under
    /// `synchronous=FULL`, whose fsync of the WAL carries every frame written before it to the
    /// disk. The batches themselves commit under `NORMAL` (no fsync), so a flood or a busy site
    /// pays for one fsync per sync, not one per batch.
    func makeDurable(at now: Int64) throws {
        try database.execute("PRAGMA synchronous=FULL")
        defer { try? database.execute("PRAGMA synchronous=NORMAL") }
        try database.cached("INSERT OR REPLACE INTO durability (id, synced_ms) VALUES (1, ?)").run(.integer(now))
    }

    /// One transaction per batch: the commit is what makes many small writes cheap on flash. The
    /// ledger changes in the same transaction, and in memory only once it committed.
    func write(_ rows: [RecordRow], receivedAt now: Int64) throws -> Outcome {
        var outcome = Outcome()
        var updated = ledger
        var touched: [String: Set<String>] = [:]
        var rollups = RollupBatch()
        var pending = unflushedReadings
        var pendingTouched: Set<String> = []
        try database.transaction {
            // Looked up once a batch: the statement cache is keyed by the SQL text, and hashing
            // that for every reading was a measurable share of a flood.
            let telemetry = try database.cached(Self.insertTelemetry)
            var readings = 0
            for row in rows {
                // A reading is matched once and counted apart: copying the row for each pattern
                // and a dictionary update per row showed in a flood's profile.
                guard
                    case .telemetry(let asset, let seq, let ts, let kind, let collector, let metrics, let payload) = row
                else {
                    let (table, changes) = try insert(row, now)
                    if changes == 0 { outcome.duplicates += 1 } else { outcome.inserted[table, default: 0] += 1 }
                    if case .alertEvent(_, _, _, _, _, _, let alerter?, let seq?, _) = row {
                        // The alerter's events are one numbered stream, acknowledged like readings.
                        updated.record(collector: alerter, asset: "alert-events", seq: UInt64(seq))
                        touched[alerter, default: []].insert("alert-events")
                    }
                    continue
                }
                let changes = try telemetry.run(
                    .text(asset), .integer(seq), .integer(ts), .text(kind), .integer(now), .text(payload))
                // Only a reading stored for the first time counts, so the rollups are exact too.
                if changes == 0 {
                    outcome.duplicates += 1
                } else {
                    readings += 1
                    rollups.add(asset: asset, ts: ts, metrics: metrics)
                    pending[asset, default: SequenceRanges()].insert(UInt64(clamping: seq))
                    pendingTouched.insert(asset)
                }
                if let collector {
                    updated.record(collector: collector, asset: asset, seq: UInt64(seq))
                    touched[collector, default: []].insert(asset)
                }
            }
            if readings > 0 { outcome.inserted["telemetry", default: 0] += readings }
            // One row per asset, not per reading: a flood stores thousands of readings a batch.
            let names = try database.cached("INSERT OR REPLACE INTO rollup_pending (asset, seqs) VALUES (?, ?)")
            for asset in pendingTouched {
                try names.run(.text(asset), .text(pending[asset, default: SequenceRanges()].text))
            }
            let save = try database.cached(
                "INSERT OR REPLACE INTO ledger (collector, asset, committed, above) VALUES (?, ?, ?, ?)")
            for (collector, assets) in touched {
                for asset in assets {
                    let entry = updated.entries[.init(collector: collector, asset: asset)] ?? .init()
                    try save.run(
                        .text(collector), .text(asset), .integer(Int64(entry.committed)),
                        .text(entry.above.text))
                }
            }
        }
        ledger = updated
        if !pendingTouched.isEmpty {
            unflushed.merge(rollups)
            unflushedReadings = pending
            unflushedCount += outcome.inserted["telemetry", default: 0]
            unflushedSince = unflushedSince ?? .now
        }
        for (collector, assets) in touched.sorted(by: { $0.key < $1.key }) {
            guard let level = try? TopicLevel(collector) else { continue }
            outcome.acknowledgements.append(ledger.acknowledgement(collector: level, assets: assets.sorted()))
            outcome.gaps[collector] = ledger.gapCount(collector: collector)
        }
        return outcome
    }

    /// Writes the rollups held in memory, if `interval` has passed since the oldest of them or too
    /// many are held; returns how many rollup rows it wrote.
    func flushRollupsIfDue(every interval: Duration) throws -> Int {
        guard let since = unflushedSince else { return 0 }
        guard
            .now - since >= interval || unflushed.count >= Self.maximumUnflushedRollups
                || unflushedCount >= Self.maximumUnflushedReadings
        else { return 0 }
        return try flushRollups()
    }

    /// Adds the rollups held in memory to the stored ones and forgets which readings they came
    /// from, in one transaction, so after a crash every reading is rolled up exactly once.
    @discardableResult
    func flushRollups() throws -> Int {
        guard !unflushed.isEmpty else { return 0 }
        let written = try Self.writeRollups(unflushed, database)
        unflushed = RollupBatch()
        unflushedReadings = [:]
        unflushedCount = 0
        unflushedSince = nil
        return written
    }

    private static func writeRollups(_ batch: RollupBatch, _ database: Database) throws -> Int {
        try database.transaction {
            let written = try save(batch, database)
            _ = try database.run("DELETE FROM rollup_pending")
            return written
        }
    }

    /// Rolls up again the readings whose rollups were still in memory when the recorder stopped
    /// without writing them (a crash, a kill, a power cut), from their stored payloads.
    private static func recoverRollups(_ database: Database) throws {
        var unflushed = RollupBatch()
        let payloads = try database.prepare(
            "SELECT payload FROM telemetry WHERE asset = ? AND seq BETWEEN ? AND ? ORDER BY seq")
        for row in try database.query("SELECT asset, seqs FROM rollup_pending") {
            guard case .text(let asset) = row[0], case .text(let seqs) = row[1] else { continue }
            for range in SequenceRanges(text: seqs).ranges {
                try payloads.bind([
                    .text(asset), .integer(Int64(clamping: range.lowerBound)),
                    .integer(Int64(clamping: range.upperBound)),
                ])
                defer { payloads.reset() }
                while try payloads.step() {
                    // Readings that were not good give no metrics, as when they arrived.
                    guard let payload = payloads.text(at: 0),
                        case .telemetry(_, _, let ts, _, _, let metrics, _)? = try? RecordRow.telemetry(
                            Array(payload.utf8), text: "", maximumBytes: .max)
                    else { continue }
                    unflushed.add(asset: asset, ts: ts, metrics: metrics)
                }
            }
        }
        // Readings pruned before the crash are simply gone from the ranges' rows.
        _ = try writeRollups(unflushed, database)
    }

    /// Adds a batch's rollups to the stored ones (SQLite computes every SET from the old row).
    private static func save(_ rollups: RollupBatch, _ database: Database) throws -> Int {
        guard !rollups.isEmpty else { return 0 }
        let upsert = try database.cached(
            """
            INSERT INTO rollups (period, asset, metric, start_ms, count, mean, m2, min, max)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (period, asset, metric, start_ms) DO UPDATE SET
                count = count + excluded.count,
                mean = mean + (excluded.mean - mean) * excluded.count / (count + excluded.count),
                m2 = m2 + excluded.m2
                    + (excluded.mean - mean) * (excluded.mean - mean) * count * excluded.count
                    / (count + excluded.count),
                min = min(min, excluded.min), max = max(max, excluded.max)
            """)
        var written = 0
        try rollups.forEachRollup { key, rollup in
            try upsert.run(
                .text(key.period.rawValue), .text(key.asset), .text(key.metric), .integer(key.start),
                .integer(rollup.count), .real(rollup.mean), .real(rollup.m2), .real(rollup.min), .real(rollup.max))
            written += 1
        }
        return written
    }

    private static func loadLedger(_ database: Database) throws -> [SequenceLedger.Key: SequenceLedger.Entry] {
        var entries: [SequenceLedger.Key: SequenceLedger.Entry] = [:]
        for row in try database.query("SELECT collector, asset, committed, above FROM ledger") {
            guard case .text(let collector) = row[0], case .text(let asset) = row[1],
                case .integer(let committed) = row[2], case .text(let above) = row[3]
            else { continue }
            entries[.init(collector: collector, asset: asset)] = SequenceLedger.Entry(
                committed: UInt64(committed), above: SequenceRanges(text: above))
        }
        return entries
    }

    struct Maintenance: Sendable {
        var expired = 0
        var prunedForBudget = 0
        var usedBytes = 0
    }

    /// Retention, then the disk budget. Raw rows older than `rawDays` go (alarm history and
    /// rejections are the audit trail and stay as long as the rollups); past `maxBytes` the
    /// oldest raw telemetry goes first, then the oldest evaluations, then the oldest hourly
    /// rollups (``budgetOrder``).
    /// - Parameter expire: whether to apply retention too; the budget is checked every time.
    func maintain(now: Int64, rawDays: Int, rollupDays: Int, maxBytes: Int, expire: Bool = true) throws -> Maintenance {
        var result = Maintenance()
        result.usedBytes = try usedBytes()
        // Deleting a reading whose rollup is only in memory would lose that rollup after a crash,
        // so before anything may be deleted the rollups are written; not on every check, which
        // would write them every 10 s instead of once a minute.
        guard expire || result.usedBytes > maxBytes else { return result }
        try flushRollups()
        let rawCutoff = now - Int64(rawDays) * 86_400_000
        let keepCutoff = now - Int64(rollupDays) * 86_400_000
        if expire {
            try expireRows(rawCutoff, keepCutoff, &result)
            result.usedBytes = try usedBytes()
        }
        // Freed pages only count once whole pages are empty: prune in steps, re-measuring each time.
        for target in Self.budgetOrder {
            var steps = 0
            while result.usedBytes > maxBytes, steps < 50 {
                guard case .integer(let rows)? = try database.query(target.count).first?.first, rows > 0 else { break }
                let perRow = max(1, result.usedBytes / max(Int(rows), 1))
                let excess = max(500, (result.usedBytes - maxBytes) / perRow + 1)
                result.prunedForBudget += try database.run(target.delete, .integer(Int64(excess)))
                result.usedBytes = try usedBytes()
                steps += 1
            }
        }
        return result
    }

    /// What the budget deletes, oldest first, each only once the one before is gone: raw
    /// readings, evaluations, then hourly rollups. A large site's hourly rollups alone outgrow
    /// the default budget in months (1,944 jars: 146,000 rows a day); the daily rollups, alarm
    /// history and rejections stay.
    private static let budgetOrder: [(count: String, delete: String)] = [
        (
            "SELECT count(*) FROM telemetry",
            "DELETE FROM telemetry WHERE (asset, seq) IN (SELECT asset, seq FROM telemetry ORDER BY ts_ms LIMIT ?)"
        ),
        (
            "SELECT count(*) FROM evaluations",
            "DELETE FROM evaluations WHERE (asset, seq) IN (SELECT asset, seq FROM evaluations ORDER BY ts_ms LIMIT ?)"
        ),
        (
            "SELECT count(*) FROM rollups WHERE period = 'hour'",
            """
            DELETE FROM rollups WHERE period = 'hour' AND (asset, metric, start_ms) IN (
                SELECT asset, metric, start_ms FROM rollups WHERE period = 'hour' ORDER BY start_ms LIMIT ?)
            """
        ),
    ]

    /// Deletes what is past retention. Some of these tables have no time index, so this runs
    /// every few minutes rather than with every budget check.
    private func expireRows(_ rawCutoff: Int64, _ keepCutoff: Int64, _ result: inout Maintenance) throws {
        try database.transaction {
            result.expired += try database.run("DELETE FROM telemetry WHERE ts_ms < ?", .integer(rawCutoff))
            result.expired += try database.run("DELETE FROM evaluations WHERE ts_ms < ?", .integer(rawCutoff))
            result.expired += try database.run("DELETE FROM device_status WHERE ts_ms < ?", .integer(rawCutoff))
            result.expired += try database.run(
                "DELETE FROM invalid_messages WHERE received_ms < ?", .integer(rawCutoff))
            result.expired += try database.run("DELETE FROM rollups WHERE start_ms < ?", .integer(keepCutoff))
            result.expired += try database.run("DELETE FROM alert_events WHERE ts_ms < ?", .integer(keepCutoff))
            result.expired += try database.run("DELETE FROM rejected WHERE received_ms < ?", .integer(keepCutoff))
        }
    }

    /// Bytes in pages that hold data: the file keeps freed pages for reuse, so this is what the
    /// budget compares, and the file stops growing once it reaches the budget.
    func usedBytes() throws -> Int {
        func integer(_ sql: String) throws -> Int {
            guard case .integer(let value)? = try database.query(sql).first?.first else { return 0 }
            return Int(value)
        }
        return try (integer("PRAGMA page_count") - integer("PRAGMA freelist_count")) * integer("PRAGMA page_size")
    }

    func count(_ table: String) throws -> Int {
        guard case .integer(let count)? = try database.query("SELECT count(*) FROM \(table)").first?.first else {
            return 0
        }
        return Int(count)
    }

    /// Writes the rollups held, then closes: a clean stop leaves no reading to roll up again.
    func close() throws {
        defer { database.close() }
        try flushRollups()
    }

    private static let insertTelemetry =
        "INSERT OR IGNORE INTO telemetry (asset, seq, ts_ms, kind, received_ms, payload) VALUES (?, ?, ?, ?, ?, ?)"

    /// Stores any row but a reading, which `write` stores itself.
    private func insert(_ row: RecordRow, _ now: Int64) throws(SQLiteError) -> (String, Int) {
        switch row {
        case .telemetry(let asset, let seq, let ts, let kind, _, _, let payload):
            let changes = try database.run(
                Self.insertTelemetry, .text(asset), .integer(seq), .integer(ts), .text(kind), .integer(now),
                .text(payload))
            return ("telemetry", changes)
        case .evaluation(let asset, let seq, let ts, let score, let findings, let payload):
            let changes = try database.run(
                "INSERT OR IGNORE INTO evaluations (asset, seq, ts_ms, score, findings, received_ms, payload) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                .text(asset), .integer(seq), .integer(ts), .real(score), .integer(Int64(findings)), .integer(now),
                .text(payload))
            return ("evaluations", changes)
        case .alertEvent(let id, let ts, let asset, let code, let transition, let tier, _, _, let payload):
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
