import VigilStore

/// The collector's outbox on disk: every reading is committed here before it is published, and
/// leaves only when the recorder acknowledges it. The last `seq` of each asset is committed in
/// the same transaction, so numbers continue without a gap or a repeat after a crash: a number
/// that was handed out but not committed was never published either.
///
/// Used by the outbox thread only.
final class OutboxStore {
    struct Entry {
        var asset: String
        var seq: UInt64
        var topic: String
        var payload: [UInt8]
    }

    private let database: Database
    /// Rows in the outbox, kept in step with every insert and delete.
    private(set) var count: Int
    private var pageSize: Int

    static let migrations = [
        Migration(
            version: 1,
            sql: "CREATE TABLE sequences (asset TEXT PRIMARY KEY, reserved INTEGER NOT NULL) WITHOUT ROWID;"),
        // Version 1 reserved numbers in blocks and skipped the rest of a block after a restart; the
        // outbox makes numbering contiguous, which the recorder's watermark relies on.
        Migration(
            version: 2,
            sql: """
                ALTER TABLE sequences RENAME COLUMN reserved TO last;
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY, asset TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL,
                    payload BLOB NOT NULL, sent_ms INTEGER NOT NULL);
                CREATE UNIQUE INDEX outbox_asset_seq ON outbox (asset, seq);
                """),
        // Finding what is due scanned the whole outbox five times a second: at full speed a
        // second's worth of unacknowledged readings, and after an outage all of them.
        Migration(version: 3, sql: "CREATE INDEX outbox_due ON outbox (sent_ms);"),
    ]

    init(path: String) throws {
        database = try Database(path: path)
        // A commit lost to a power cut would hand the same numbers out again after a reading with
        // them was published, and the recorder would drop the new one as a duplicate.
        try database.execute("PRAGMA synchronous = FULL")
        // A queue: rows are added at one end and acknowledged from the other, so a few pages are
        // all it touches, and SQLite's default 2 MB cache only added to the agent's footprint.
        try database.execute("PRAGMA cache_size = -512")
        try database.migrate(Self.migrations)
        count = 0
        pageSize = 4096
        count = Int(try integer("SELECT count(*) FROM outbox"))
        pageSize = Int(try integer("PRAGMA page_size"))
    }

    func close() { database.close() }

    /// The last number committed for each asset.
    func lastSequences() throws -> [String: UInt64] {
        var last: [String: UInt64] = [:]
        for row in try database.query("SELECT asset, last FROM sequences") {
            guard case .text(let asset) = row[0], case .integer(let value) = row[1] else { continue }
            last[asset] = UInt64(value)
        }
        return last
    }

    /// Commits `entries` and the new last numbers in one transaction.
    /// - Parameter sentAt: when they are published right after, or 0 while the broker is away.
    func append(_ entries: [Entry], sentAt: Int64) throws {
        var last: [String: UInt64] = [:]
        try database.transaction {
            let insert = try database.cached(
                "INSERT OR REPLACE INTO outbox (asset, seq, topic, payload, sent_ms) VALUES (?, ?, ?, ?, ?)")
            for entry in entries {
                try insert.run(
                    .text(entry.asset), .integer(Int64(entry.seq)), .text(entry.topic), .blob(entry.payload),
                    .integer(sentAt))
                last[entry.asset] = max(last[entry.asset] ?? 0, entry.seq)
            }
            let update = try database.cached(
                "INSERT INTO sequences (asset, last) VALUES (?, ?) "
                    + "ON CONFLICT (asset) DO UPDATE SET last = max(last, excluded.last)")
            for (asset, seq) in last { try update.run(.text(asset), .integer(Int64(seq))) }
        }
        count += entries.count
    }

    /// Deletes what the recorder says it stored; returns how many rows that removed.
    func remove(_ stored: [(asset: String, ranges: [ClosedRange<UInt64>])]) throws -> Int {
        var removed = 0
        try database.transaction {
            let delete = try database.cached("DELETE FROM outbox WHERE asset = ? AND seq BETWEEN ? AND ?")
            for (asset, ranges) in stored {
                for range in ranges {
                    removed += try delete.run(
                        .text(asset), .integer(Int64(range.lowerBound)), .integer(Int64(clamping: range.upperBound)))
                }
            }
        }
        count -= removed
        return removed
    }

    /// Up to `limit` entries sent at or before `cutoff`, longest unsent first: never sent (0),
    /// then by when they were last sent, then in the order they were added. Sending one again
    /// moves it to the back, so a backlog larger than a pass goes round in turn.
    func due(cutoff: Int64, limit: Int) throws -> [(id: Int64, topic: String, payload: [UInt8])] {
        let statement = try database.cached(Self.dueSQL)
        var due: [(id: Int64, topic: String, payload: [UInt8])] = []
        for row in try statement.rows(.integer(cutoff), .integer(Int64(limit))) {
            guard case .integer(let id) = row[0], case .text(let topic) = row[1], case .blob(let payload) = row[2]
            else { continue }
            due.append((id, topic, payload))
        }
        return due
    }

    /// Served by `outbox_due` alone: it ends at the first row not yet due.
    static let dueSQL = "SELECT id, topic, payload FROM outbox WHERE sent_ms <= ? ORDER BY sent_ms, id LIMIT ?"

    func markSent(_ ids: [Int64], at time: Int64) throws {
        try database.transaction {
            let update = try database.cached("UPDATE outbox SET sent_ms = ? WHERE id = ?")
            for id in ids { try update.run(.integer(time), .integer(id)) }
        }
    }

    /// Bytes the outbox's rows take in the file (pages in use, not the free ones SQLite keeps).
    func usedBytes() throws -> Int {
        let pages = try integer("PRAGMA page_count") - integer("PRAGMA freelist_count")
        return Int(pages) * pageSize
    }

    /// Deletes the `count` oldest entries, to stay within the size limit; returns how many went.
    func dropOldest(_ count: Int) throws -> Int {
        let dropped = try database.run(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)", .integer(Int64(count)))
        self.count -= dropped
        return dropped
    }

    private func integer(_ sql: String) throws -> Int64 {
        guard case .integer(let value)? = try database.query(sql).first?.first else { return 0 }
        return value
    }
}
