internal import CSQLite

extension Database {
    /// Runs `body` in one transaction: batching writes is what makes SQLite fast, and all-or-nothing keeps a
    /// batch of readings consistent after a crash.
    ///
    /// `BEGIN IMMEDIATE` takes the write lock up front, so a busy database fails here (after the busy timeout)
    /// rather than halfway through the batch. Any error from `body` or `COMMIT` rolls back and is rethrown.
    /// Transactions do not nest.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        let result: T
        do {
            result = try body()
            try commit()
        } catch {
            rollbackIfActive()
            throw error
        }
        return result
    }

    func begin() throws(SQLiteError) {
        _ = try cached("BEGIN IMMEDIATE").run(binding: [])
    }

    func commit() throws(SQLiteError) {
        _ = try cached("COMMIT").run(binding: [])
    }

    /// Some errors (such as a full disk) make SQLite roll back by itself, and a second ROLLBACK would fail;
    /// a rollback failure would also hide the error that caused it, so it is not reported.
    func rollbackIfActive() {
        guard let handle, sqlite3_get_autocommit(handle) == 0 else { return }
        _ = try? cached("ROLLBACK").run(binding: [])
    }
}
