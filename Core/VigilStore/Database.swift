internal import CSQLite

/// One SQLite connection, configured for an always-on edge recorder: WAL so readers never block the writer,
/// `synchronous=NORMAL` (durable across process crashes, but the commits since the last fsync can be lost on
/// power loss; a writer that promises more, as the recorder's acknowledgements do, syncs before it promises),
/// foreign keys enforced, and a busy timeout so short lock waits are absorbed instead of failing.
///
/// Not `Sendable`: own it from a single actor or task. The connection is opened without SQLite's own mutex
/// for speed, which is only safe under that ownership.
public final class Database {
    /// `nil` after ``close()``.
    var handle: OpaquePointer?
    /// Keyed by SQL text; the hot paths issue the same few statements over and over.
    var statementCache: [String: Statement] = [:]

    /// Opens or creates the file (or `":memory:"`) and applies the connection settings.
    ///
    /// Throws if WAL cannot be enabled on a writable file database: silently running in rollback-journal mode
    /// would let readers block the recorder.
    public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5000) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError(rc, db: db, operation: "open")
            // SQLite usually hands back a handle even on failure, and it must still be released.
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        do {
            try configure(readOnly: readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Releases the connection; safe to call more than once.
    ///
    /// Cached statements are finalized first. Statements from ``prepare(_:)`` still held elsewhere keep the
    /// underlying connection alive until they are released (`sqlite3_close_v2`), so closing never leaves them
    /// dangling.
    public func close() {
        for statement in statementCache.values { statement.finalize() }
        statementCache.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    /// Runs one or more statements that return no rows, such as schema changes or pragmas.
    public func execute(_ sql: String) throws(SQLiteError) {
        let db = try openHandle(for: "exec")
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw SQLiteError(rc, db: db, operation: "exec") }
    }

    /// Compiles exactly one statement. Use ``cached(_:)`` for statements issued repeatedly.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try makeStatement(sql, persistent: false)
    }

    /// The statement for `sql`, compiled on first use and reused for the life of this connection, reset and ready.
    ///
    /// The same object is returned for the same text, so do not nest two iterations of one cached query.
    public func cached(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try makeStatement(sql, persistent: true)
        statementCache[sql] = statement
        return statement
    }

    /// Rows changed by the most recent write statement on this connection.
    public var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes64(handle))
    }

    /// Row id of the most recent successful insert on this connection.
    public var lastInsertRowID: Int64 {
        guard let handle else { return 0 }
        return sqlite3_last_insert_rowid(handle)
    }

    /// The live handle, or an error naming `operation`: SQLite does not check for a NULL connection everywhere.
    func openHandle(for operation: String) throws(SQLiteError) -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(SQLITE_MISUSE, db: nil, operation: operation, message: "database is closed")
        }
        return handle
    }

    private func configure(readOnly: Bool, busyTimeoutMilliseconds: Int32) throws(SQLiteError) {
        let db = try openHandle(for: "open")
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        // A read-only connection cannot switch the journal mode; it follows whatever the writer set.
        if !readOnly {
            let mode = try prepare("PRAGMA journal_mode=WAL").rows().first?.first
            if isFileBacked(db), mode != .text("wal") {
                throw SQLiteError(
                    SQLITE_ERROR, db: nil, operation: "open",
                    message: "could not enable WAL journal mode (got \(mode.map { "\($0)" } ?? "nothing"))")
            }
        }
        try execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON")
    }

    /// Memory and temporary databases have no file name and cannot use WAL.
    private func isFileBacked(_ db: OpaquePointer) -> Bool {
        guard let name = sqlite3_db_filename(db, "main") else { return false }
        return name.pointee != 0
    }

    private func makeStatement(_ sql: String, persistent: Bool) throws(SQLiteError) -> Statement {
        let db = try openHandle(for: "prepare")
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        var statement: OpaquePointer?
        var extra: OpaquePointer?
        let rc = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(db, text, -1, flags, &statement, &tail)
            // A second statement would otherwise be ignored silently; compiling the rest tells real SQL from
            // trailing whitespace or comments, which compile to nothing.
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                sqlite3_prepare_v3(db, tail, -1, 0, &extra, nil)
            }
            return rc
        }
        guard rc == SQLITE_OK else { throw SQLiteError(rc, db: db, operation: "prepare") }
        if extra != nil {
            sqlite3_finalize(extra)
            sqlite3_finalize(statement)
            throw SQLiteError(
                SQLITE_MISUSE, db: nil, operation: "prepare",
                message: "more than one statement in \"\(sql)\"; use execute for scripts")
        }
        guard let statement else {
            throw SQLiteError(SQLITE_MISUSE, db: nil, operation: "prepare", message: "no statement in \"\(sql)\"")
        }
        return Statement(handle: statement)
    }
}
