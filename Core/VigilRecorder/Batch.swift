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
        if rows.isEmpty { oldest = now }
        rows.append(row)
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
        let count = min(rows.count, maxRows)
        let taken = Array(rows.prefix(count))
        rows.removeFirst(count)
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
