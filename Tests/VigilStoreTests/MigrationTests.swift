import Testing
import VigilStore

@Suite struct MigrationTests {
    /// Each step depends on the previous one, so applying them out of order would fail.
    private let migrations = [
        Migration(version: 1, sql: "CREATE TABLE asset(id TEXT PRIMARY KEY)"),
        Migration(version: 2, sql: "ALTER TABLE asset ADD COLUMN kind TEXT NOT NULL DEFAULT 'pump'"),
        Migration(
            version: 3,
            sql: """
                CREATE TABLE reading(asset TEXT NOT NULL REFERENCES asset(id), seq INTEGER NOT NULL, UNIQUE(asset, seq));
                INSERT INTO asset(id, kind) VALUES ('p1', 'press');
                """),
    ]

    @Test func appliesInOrderAndRecordsTheVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try Database(path: directory.file("m.db"))
        #expect(try db.schemaVersion == 0)
        #expect(try db.migrate(migrations) == 3)
        #expect(try db.schemaVersion == 3)
        #expect(try db.query("SELECT id, kind FROM asset") == [[.text("p1"), .text("press")]])
    }

    @Test func isIdempotentOnReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("m.db")
        try Database(path: path).migrate(migrations)
        let reopened = try Database(path: path)
        #expect(try reopened.migrate(migrations) == 3)
        #expect(try reopened.query("SELECT count(*) FROM asset") == [[.integer(1)]])
    }

    @Test func appliesOnlyTheMissingSteps() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("m.db")
        #expect(try Database(path: path).migrate(Array(migrations.prefix(1))) == 1)
        let db = try Database(path: path)
        #expect(try db.migrate(migrations) == 3)
        #expect(try db.query("SELECT kind FROM asset") == [[.text("press")]])
    }

    @Test func refusesAFileFromANewerBuild() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("m.db")
        try Database(path: path).execute("PRAGMA user_version = 5")
        let db = try Database(path: path)
        let error = #expect(throws: SQLiteError.self) { try db.migrate(migrations) }
        #expect(error?.operation == "migrate")
        #expect(error?.message == "database schema version 5 is newer than this build knows (3)")
        #expect(try db.schemaVersion == 5)
        #expect(try db.query("SELECT name FROM sqlite_master").isEmpty)
    }

    @Test func refusesVersionsThatAreNotStrictlyIncreasing() throws {
        let db = try Database(path: ":memory:")
        for versions in [[2, 1], [1, 1], [0, 1]] {
            let list = versions.map { Migration(version: $0, sql: "CREATE TABLE t\($0)(x)") }
            let error = #expect(throws: SQLiteError.self) { try db.migrate(list) }
            #expect(error?.operation == "migrate")
        }
        #expect(try db.schemaVersion == 0)
        #expect(try db.query("SELECT name FROM sqlite_master").isEmpty)
    }

    @Test func failedStepRollsBackAndKeepsEarlierSteps() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try Database(path: directory.file("m.db"))
        let broken = [
            migrations[0],
            Migration(version: 2, sql: "CREATE TABLE half(x); SELEC 1"),
        ]
        let error = #expect(throws: SQLiteError.self) { try db.migrate(broken) }
        #expect(error?.operation == "migrate")
        #expect(error?.message.contains("migration to version 2 failed") == true)
        #expect(error?.message.contains("syntax error") == true)
        #expect(try db.schemaVersion == 1)
        #expect(try db.query("SELECT name FROM sqlite_master WHERE name = 'half'").isEmpty)
    }
}
