// One-liners over the statement cache, so call sites need no statement bookkeeping and still skip recompiling.
extension Database {
    /// Executes a write through the statement cache.
    ///
    /// - Returns: rows changed, e.g. 0 when `INSERT OR IGNORE` met a duplicate.
    @discardableResult
    public func run(_ sql: String, _ values: SQLValue...) throws(SQLiteError) -> Int {
        try cached(sql).run(binding: values)
    }

    /// Reads all rows through the statement cache; meant for small results.
    public func query(_ sql: String, _ values: SQLValue...) throws(SQLiteError) -> [[SQLValue]] {
        try cached(sql).rows(binding: values)
    }
}
