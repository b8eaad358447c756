import Testing
import VigilStore

@Suite struct TransactionTests {
    private struct Abort: Error {}

    private func open(_ directory: TemporaryDirectory) throws -> Database {
        let db = try Database(path: directory.file("tx.db"))
        try db.execute("CREATE TABLE t(x INTEGER UNIQUE)")
        return db
    }

    @Test func commitsAndReturnsTheBodyResult() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try open(directory)
        let inserted = try db.transaction {
            try db.run("INSERT INTO t VALUES (1)") + db.run("INSERT INTO t VALUES (2)")
        }
        #expect(inserted == 2)
        // Visible to another connection, so it really committed.
        #expect(try Database(path: directory.file("tx.db")).query("SELECT count(*) FROM t") == [[.integer(2)]])
    }

    @Test func rollsBackWhenTheBodyThrows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try open(directory)
        #expect(throws: Abort.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                throw Abort()
            }
        }
        #expect(try db.query("SELECT count(*) FROM t") == [[.integer(0)]])
        // The connection is out of the transaction and takes the next one.
        try db.transaction { try db.run("INSERT INTO t VALUES (3)") }
        #expect(try db.query("SELECT x FROM t") == [[.integer(3)]])
    }

    @Test func rollsBackWhenAStatementFails() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try open(directory)
        let error = #expect(throws: SQLiteError.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                try db.run("INSERT INTO t VALUES (1)")
            }
        }
        #expect(error?.code == 19)
        #expect(try db.query("SELECT count(*) FROM t") == [[.integer(0)]])
    }

    @Test func fullDiskIsReportedAndTheDatabaseStaysUsable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try Database(path: directory.file("full.db"))
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB)")
        let pages = try db.query("PRAGMA page_count")[0][0]
        guard case .integer(let used) = pages else { throw Abort() }
        try db.execute("PRAGMA max_page_count = \(used + 4)")

        let payload = [UInt8](repeating: 0xAB, count: 2000)
        var attempts = 0
        let error = #expect(throws: SQLiteError.self) {
            try db.transaction {
                while attempts < 1000 {
                    attempts += 1
                    try db.run("INSERT INTO t(payload) VALUES (?)", .blob(payload))
                }
            }
        }
        #expect(error?.isDiskFull == true)
        #expect(error?.code == 13)
        #expect(error?.description.hasPrefix("sqlite step failed (13 SQLITE_FULL): ") == true)
        #expect(attempts < 1000)
        #expect(try db.query("SELECT count(*) FROM t") == [[.integer(0)]])
        try db.transaction { try db.run("INSERT INTO t(payload) VALUES (?)", .blob([1, 2, 3])) }
        #expect(try db.query("SELECT payload FROM t") == [[.blob([1, 2, 3])]])
    }
}
