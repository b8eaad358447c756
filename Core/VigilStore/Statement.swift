internal import CSQLite

/// A compiled SQL statement. Preparing costs far more than executing, so hot paths (one insert per reading)
/// prepare once and rebind.
///
/// Not `Sendable`: a statement belongs to its ``Database`` and must be used by the same task.
public final class Statement {
    /// `nil` once finalized (closing the database finalizes its cached statements); SQLite treats a NULL
    /// statement as misuse rather than crashing, so a stale `Statement` fails with an error instead.
    var handle: OpaquePointer?

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to parameters 1...n, after a reset so a statement left mid-iteration can be reused.
    ///
    /// The count must match the statement's parameters: SQLite would silently bind NULL to missing ones.
    public func bind(_ values: [SQLValue]) throws(SQLiteError) {
        try prepareToBind(values)
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Every parameter is bound each time, so nothing of the last binding is left to clear.
    private func prepareToBind(_ values: [SQLValue]) throws(SQLiteError) {
        reset()
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(
                SQLITE_RANGE, db: nil, operation: "bind",
                message: "statement takes \(expected) parameter(s), \(values.count) given")
        }
    }

    /// Advances one row; `true` means a row is ready to read with the column accessors.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw SQLiteError(rc, db: dbHandle, operation: "step")
    }

    /// Rewinds without clearing bindings. The result code is ignored on purpose: it repeats the error that
    /// ``step()`` already threw.
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Executes a write with `values`, leaving the statement reset (so it holds no read lock) for the next use.
    ///
    /// - Returns: rows changed, which for `INSERT OR IGNORE` tells a new row from a duplicate.
    @discardableResult
    public func run(_ values: SQLValue...) throws(SQLiteError) -> Int {
        try run(binding: values)
    }

    /// Reads every row, leaving the statement reset so the read transaction ends promptly.
    public func rows(_ values: SQLValue...) throws(SQLiteError) -> [[SQLValue]] {
        try rows(binding: values)
    }

    func run(binding values: [SQLValue]) throws(SQLiteError) -> Int {
        try prepareToBind(values)
        defer {
            reset()
            // The borrowed text must not outlive this call inside SQLite.
            sqlite3_clear_bindings(handle)
        }
        return try lending(values, from: 0) { () throws(SQLiteError) -> Int in
            while try step() {}
            return Int(sqlite3_changes64(dbHandle))
        }
    }

    /// Binds `values` from `offset` on and runs `body` while SQLite reads their text in place
    /// (`SQLITE_STATIC`), which `run` makes safe by resetting before the text goes away. Copying
    /// each reading's payload into SQLite and freeing it again was a tenth of the recorder's insert.
    private func lending<Result>(
        _ values: [SQLValue], from offset: Int, _ body: () throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        guard offset < values.count else { return try body() }
        let index = Int32(offset + 1)
        guard case .text(var string) = values[offset], !string.isEmpty else {
            try bind(values[offset], at: index)
            return try lending(values, from: offset + 1, body)
        }
        let outcome = string.withUTF8 { bytes in
            Swift.Result { () throws(SQLiteError) -> Result in
                let start = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
                let rc = sqlite3_bind_text64(handle, index, start, sqlite3_uint64(bytes.count), nil, UInt8(SQLITE_UTF8))
                guard rc == SQLITE_OK else { throw SQLiteError(rc, db: dbHandle, operation: "bind") }
                return try lending(values, from: offset + 1, body)
            }
        }
        return try outcome.get()
    }

    func rows(binding values: [SQLValue]) throws(SQLiteError) -> [[SQLValue]] {
        try bind(values)
        defer { reset() }
        let count = columnCount
        var result: [[SQLValue]] = []
        while try step() {
            var row: [SQLValue] = []
            row.reserveCapacity(count)
            for index in 0..<count { row.append(value(at: index)) }
            result.append(row)
        }
        return result
    }

    func finalize() {
        sqlite3_finalize(handle)
        handle = nil
    }

    private var dbHandle: OpaquePointer? {
        handle.flatMap { sqlite3_db_handle($0) }
    }

    private func bind(_ value: SQLValue, at index: Int32) throws(SQLiteError) {
        let rc: Int32
        switch value {
        case .null:
            rc = sqlite3_bind_null(handle, index)
        case .integer(let number):
            rc = sqlite3_bind_int64(handle, index, number)
        case .real(let number):
            // SQLite stores NaN as NULL without complaint; a sensor NaN must be handled by the caller, not lost.
            guard !number.isNaN else {
                throw SQLiteError(
                    SQLITE_MISMATCH, db: nil, operation: "bind",
                    message: "parameter \(index) is NaN, which SQLite would silently store as NULL")
            }
            rc = sqlite3_bind_double(handle, index, number)
        case .text(var string):
            // Explicit byte length keeps embedded NULs. A NULL pointer would bind SQL NULL, so "" gets a real one.
            if string.isEmpty {
                rc = sqlite3_bind_text64(handle, index, "", 0, vigil_sqlite_transient(), UInt8(SQLITE_UTF8))
            } else {
                rc = string.withUTF8 { bytes in
                    let start = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
                    return sqlite3_bind_text64(
                        handle, index, start, sqlite3_uint64(bytes.count), vigil_sqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            // An empty array may have no base address, and a NULL pointer would bind SQL NULL, not an empty blob.
            if bytes.isEmpty {
                rc = sqlite3_bind_zeroblob(handle, index, 0)
            } else {
                rc = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob64(
                        handle, index, raw.baseAddress, sqlite3_uint64(raw.count), vigil_sqlite_transient())
                }
            }
        }
        if rc != SQLITE_OK {
            throw SQLiteError(rc, db: dbHandle, operation: "bind")
        }
    }
}
