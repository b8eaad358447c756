import Testing
import VigilStore

@Suite struct DatabaseTests {
    @Test func fileDatabaseRunsInWALWithNormalSyncAndForeignKeys() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("wal.db")
        let db = try Database(path: path)
        #expect(try db.query("PRAGMA journal_mode") == [[.text("wal")]])
        #expect(try db.query("PRAGMA synchronous") == [[.integer(1)]])
        #expect(try db.query("PRAGMA foreign_keys") == [[.integer(1)]])
        db.close()

        // WAL is persistent in the file, so a read-only reader sees it without being able to set it.
        let reader = try Database(path: path, readOnly: true)
        #expect(try reader.query("PRAGMA journal_mode") == [[.text("wal")]])
    }

    @Test func memoryDatabaseOpensWithoutWAL() throws {
        let db = try Database(path: ":memory:")
        #expect(try db.query("PRAGMA journal_mode") == [[.text("memory")]])
        try db.execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (41), (1)")
        #expect(try db.query("SELECT sum(x) FROM t") == [[.integer(42)]])
    }

    @Test func readOnlyOpenOfMissingFileFailsInOpen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: SQLiteError.self) {
            _ = try Database(path: directory.file("missing.db"), readOnly: true)
        }
        #expect(error?.operation == "open")
        #expect(error?.code == 14)  // SQLITE_CANTOPEN
        #expect(error?.description.hasPrefix("sqlite open failed (14 SQLITE_CANTOPEN): ") == true)
    }

    @Test func readOnlyDatabaseRefusesWrites() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("ro.db")
        try Database(path: path).execute("CREATE TABLE t(x)")
        let reader = try Database(path: path, readOnly: true)
        let error = #expect(throws: SQLiteError.self) { try reader.run("INSERT INTO t VALUES (1)") }
        #expect(error?.code == 8)  // SQLITE_READONLY
    }

    @Test func syntaxErrorFailsInPrepareWithSQLiteMessage() throws {
        let db = try Database(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { _ = try db.prepare("SELEC 1") }
        #expect(error?.operation == "prepare")
        #expect(error?.code == 1)  // SQLITE_ERROR
        #expect(error?.message == "near \"SELEC\": syntax error")
        #expect(error?.description == "sqlite prepare failed (1 SQLITE_ERROR): near \"SELEC\": syntax error")

        let viaQuery = #expect(throws: SQLiteError.self) { _ = try db.query("SELECT * FROM nowhere") }
        #expect(viaQuery?.operation == "prepare")
        #expect(viaQuery?.message == "no such table: nowhere")
    }

    @Test func prepareRefusesASecondStatementButAllowsTrailingComments() throws {
        let db = try Database(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { _ = try db.prepare("SELECT 1; SELECT 2") }
        #expect(error?.operation == "prepare")
        #expect(try db.prepare("SELECT 1; -- trailing comment\n  ").rows() == [[.integer(1)]])
        #expect(throws: SQLiteError.self) { _ = try db.prepare("  ") }
    }

    @Test func execErrorNamesExec() throws {
        let db = try Database(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { try db.execute("CREATE TABLE t(x); CREATE TABLE t(x)") }
        #expect(error?.operation == "exec")
        #expect(error?.message == "table t already exists")
    }

    @Test func constraintViolationCarriesExtendedCode() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x INTEGER UNIQUE)")
        try db.run("INSERT INTO t VALUES (?)", .integer(1))
        let error = #expect(throws: SQLiteError.self) { try db.run("INSERT INTO t VALUES (?)", .integer(1)) }
        #expect(error?.operation == "step")
        #expect(error?.code == 19)  // SQLITE_CONSTRAINT
        #expect(error?.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        #expect(error?.isBusy == false)
        #expect(error?.isDiskFull == false)
        // The cached statement is reusable after the failure.
        #expect(try db.run("INSERT INTO t VALUES (?)", .integer(2)) == 1)
    }

    @Test func lockedDatabaseReportsBusy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("busy.db")
        let writer = try Database(path: path)
        try writer.execute("CREATE TABLE t(x)")
        let other = try Database(path: path, busyTimeoutMilliseconds: 0)
        try writer.execute("BEGIN IMMEDIATE")
        let error = #expect(throws: SQLiteError.self) {
            try other.transaction { try other.run("INSERT INTO t VALUES (1)") }
        }
        #expect(error?.isBusy == true)
        try writer.execute("COMMIT")
        #expect(try other.transaction { try other.run("INSERT INTO t VALUES (1)") } == 1)
    }

    @Test func closeIsIdempotentAndLaterUseFailsCleanly() throws {
        let db = try Database(path: ":memory:")
        let cached = try db.cached("SELECT 1")
        let prepared = try db.prepare("SELECT 2")
        db.close()
        db.close()
        let error = #expect(throws: SQLiteError.self) { try db.execute("SELECT 1") }
        #expect(error?.message == "database is closed")
        #expect(throws: SQLiteError.self) { _ = try cached.step() }
        // A statement prepared before closing keeps the connection alive until it is released.
        #expect(try prepared.rows() == [[.integer(2)]])
        #expect(db.changes == 0)
    }

    @Test func cachedReturnsTheSameStatementReset() throws {
        let db = try Database(path: ":memory:")
        let first = try db.cached("SELECT 1 UNION ALL SELECT 2")
        #expect(try first.step())
        let second = try db.cached("SELECT 1 UNION ALL SELECT 2")
        #expect(first === second)
        #expect(try second.step())
        #expect(second.int64(at: 0) == 1)
    }
}
