import VigilStore

/// Hands out per-asset sequence numbers that never repeat, even across a crash.
///
/// The recorder deduplicates on `(asset, seq)`, so a repeated number would silently discard a
/// real reading. Numbers are reserved on disk in blocks; after a restart allocation resumes past
/// the reserved block, skipping at most `blockSize` numbers instead of repeating any.
struct SequenceAllocator {
    private let database: Database
    private let blockSize: UInt64
    private var next: [String: UInt64] = [:]
    private var reserved: [String: UInt64] = [:]

    init(path: String, blockSize: UInt64 = 1000) throws {
        database = try Database(path: path)
        // A reservation lost to a power cut would hand out numbers again, and the recorder would
        // drop those readings as duplicates. One fsync per thousand readings is cheap.
        try database.execute("PRAGMA synchronous = FULL")
        try database.migrate([
            Migration(
                version: 1,
                sql: "CREATE TABLE sequences (asset TEXT PRIMARY KEY, reserved INTEGER NOT NULL) WITHOUT ROWID;")
        ])
        self.blockSize = blockSize
        for row in try database.query("SELECT asset, reserved FROM sequences") {
            guard case .text(let asset) = row[0], case .integer(let value) = row[1] else { continue }
            next[asset] = UInt64(value) + 1
            reserved[asset] = UInt64(value)
        }
    }

    mutating func allocate(_ asset: String) throws -> UInt64 {
        let value = next[asset] ?? 1
        if value > reserved[asset] ?? 0 {
            let limit = value + blockSize - 1
            try database.run(
                "INSERT INTO sequences (asset, reserved) VALUES (?, ?) "
                    + "ON CONFLICT (asset) DO UPDATE SET reserved = excluded.reserved",
                .text(asset), .integer(Int64(limit)))
            reserved[asset] = limit
        }
        next[asset] = value + 1
        return value
    }

    /// Hands out a whole block at once, for a caller that numbers readings without taking a lock
    /// per reading; the block is reserved on disk before it is returned.
    mutating func reserveBlock(_ asset: String) throws -> ClosedRange<UInt64> {
        let first = next[asset] ?? 1
        let last = first + blockSize - 1
        try database.run(
            "INSERT INTO sequences (asset, reserved) VALUES (?, ?) "
                + "ON CONFLICT (asset) DO UPDATE SET reserved = excluded.reserved",
            .text(asset), .integer(Int64(last)))
        reserved[asset] = last
        next[asset] = last + 1
        return first...last
    }

    func close() { database.close() }
}
