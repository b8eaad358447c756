/// Rows waiting for the next commit, and when that commit is due. Pure, so the batching
/// rules are tested without a database or a clock.
struct Batch: Sendable {
    var maxRows: Int
    var maxAge: Duration
    var maxPending: Int
    private(set) var rows: [RecordRow] = []
    private var oldest: ContinuousClock.Instant?
    /// After a failed commit, wait a full interval before retrying instead of spinning.
    private var retryAfter: ContinuousClock.Instant?

    init(maxRows: Int, maxAge: Duration, maxPending: Int) {
        self.maxRows = maxRows
        self.maxAge = maxAge
        self.maxPending = maxPending
    }

    var isEmpty: Bool { rows.isEmpty }

    /// Returns how many of the oldest rows had to be dropped to stay within `maxPending`.
    mutating func append(_ row: RecordRow, now: ContinuousClock.Instant) -> Int {
        append(contentsOf: [row], now: now)
    }

    /// Adds rows that arrived together, as one `append` each would; returns how many of the oldest
    /// rows had to be dropped. An empty batch takes the array as it is, without copying each row.
    mutating func append(contentsOf new: [RecordRow], now: ContinuousClock.Instant) -> Int {
        guard !new.isEmpty else { return 0 }
        if rows.isEmpty {
            oldest = now
            rows = new
        } else {
            rows.append(contentsOf: new)
        }
        let excess = rows.count - maxPending
        guard excess > 0 else { return 0 }
        rows.removeFirst(excess)
        return excess
    }

    func isDue(now: ContinuousClock.Instant) -> Bool {
        guard let oldest, !rows.isEmpty else { return false }
        if let retryAfter, now < retryAfter { return false }
        return rows.count >= maxRows || now - oldest >= maxAge
    }

    mutating func take() -> [RecordRow] {
        var taken: [RecordRow] = []
        if rows.count <= maxRows {
            // The usual case: the whole batch changes hands, no row is copied.
            swap(&taken, &rows)
        } else {
            taken = Array(rows.prefix(maxRows))
            rows.removeFirst(maxRows)
        }
        oldest = rows.isEmpty ? nil : oldest
        retryAfter = nil
        return taken
    }

    /// Empties the batch and says how many rows that discarded.
    mutating func removeAll() -> Int {
        defer {
            rows = []
            oldest = nil
        }
        return rows.count
    }

    mutating func putBack(_ taken: [RecordRow], now: ContinuousClock.Instant) {
        rows.insert(contentsOf: taken, at: 0)
        oldest = oldest ?? now
        retryAfter = now + maxAge
    }
}
