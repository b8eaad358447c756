import Testing
import VigilStore

@Suite struct StatementTests {
    private func readingsDatabase(_ directory: TemporaryDirectory) throws -> Database {
        let db = try Database(path: directory.file("readings.db"))
        try db.execute(
            "CREATE TABLE reading(asset TEXT NOT NULL, seq INTEGER NOT NULL, value REAL, UNIQUE(asset, seq))")
        return db
    }

    @Test func insertOrIgnoreOnTheUniqueKeyIsIdempotent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try readingsDatabase(directory)
        let sql = "INSERT OR IGNORE INTO reading(asset, seq, value) VALUES (?, ?, ?)"
        #expect(try db.run(sql, .text("pump-1"), .integer(7), .real(1.5)) == 1)
        #expect(db.changes == 1)
        #expect(try db.run(sql, .text("pump-1"), .integer(7), .real(9.9)) == 0)
        #expect(db.changes == 0)
        #expect(try db.prepare(sql).run(.text("pump-1"), .integer(7), .real(9.9)) == 0)
        #expect(try db.run(sql, .text("pump-2"), .integer(7), .real(2.5)) == 1)
        #expect(db.lastInsertRowID == 2)
        #expect(
            try db.query("SELECT asset, value FROM reading ORDER BY asset") == [
                [.text("pump-1"), .real(1.5)], [.text("pump-2"), .real(2.5)],
            ])
    }

    @Test func preparedAndCachedStatementsAreReusedAcrossManyInserts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try readingsDatabase(directory)
        let count = 10_000
        let insert = try db.prepare("INSERT INTO reading(asset, seq, value) VALUES (?, ?, ?)")
        try db.transaction {
            for seq in 0..<count {
                try insert.run(.text("a"), .integer(Int64(seq)), .real(Double(seq) / 2))
                try db.run("INSERT INTO reading(asset, seq, value) VALUES ('b', ?, ?)", .integer(Int64(seq)), .null)
            }
        }
        let expectedSum = Int64(count * (count - 1) / 2)
        #expect(
            try db.query("SELECT count(*), sum(seq), sum(value) FROM reading WHERE asset = ?", .text("a")) == [
                [.integer(Int64(count)), .integer(expectedSum), .real(Double(expectedSum) / 2)]
            ])
        #expect(
            try db.query("SELECT count(*), sum(seq), count(value) FROM reading WHERE asset = ?", .text("b")) == [
                [.integer(Int64(count)), .integer(expectedSum), .integer(0)]
            ])
    }

    @Test func valuesRoundTripExactly() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE v(a, b, c, d, e, f, g, h, i, j)")
        let unicode = "Pumpe Süd 🌡️🔥 温度 \u{0} after NUL"
        let row: [SQLValue] = [
            .text(unicode),
            .text(""),
            .blob([0, 1, 0, 255, 128]),
            .blob([]),
            .real(-273.15),
            .real(.infinity),
            .null,
            .integer(.min),
            .integer(.max),
            .real(-0.0),
        ]
        let insert = try db.prepare("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        try insert.bind(row)
        #expect(try insert.step() == false)
        #expect(try db.query("SELECT * FROM v") == [row])
        #expect(
            try db.query("SELECT typeof(a), typeof(b), typeof(c), typeof(d), length(CAST(a AS BLOB)) FROM v") == [
                [.text("text"), .text("text"), .text("blob"), .text("blob"), .integer(Int64(unicode.utf8.count))]
            ])
    }

    @Test func typedAccessorsReadTheCurrentRow() throws {
        let db = try Database(path: ":memory:")
        let statement = try db.prepare("SELECT ?, ?, ?, ?")
        try statement.bind([.integer(42), .real(0.25), .text("ok\u{0}too"), .null])
        #expect(statement.columnCount == 4)
        #expect(try statement.step())
        #expect(statement.int64(at: 0) == 42)
        #expect(statement.double(at: 1) == 0.25)
        #expect(statement.text(at: 2) == "ok\u{0}too")
        #expect(statement.text(at: 3) == nil)
        #expect(statement.value(at: 3) == .null)
        #expect(try statement.step() == false)
        statement.reset()
        #expect(try statement.step())
        #expect(statement.int64(at: 0) == 42)
        #expect(try statement.rows(.integer(1), .integer(2), .integer(3), .integer(4)).count == 1)
    }

    @Test func nanIsRefusedWithTheParameterIndex() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE m(asset TEXT, value REAL)")
        let error = #expect(throws: SQLiteError.self) {
            try db.run("INSERT INTO m VALUES (?, ?)", .text("pump"), .real(.nan))
        }
        #expect(error?.operation == "bind")
        #expect(error?.message.contains("parameter 2") == true)
        #expect(try db.query("SELECT count(*) FROM m") == [[.integer(0)]])
    }

    @Test func wrongNumberOfValuesIsRefused() throws {
        let db = try Database(path: ":memory:")
        for values: [SQLValue] in [[.integer(1)], [.integer(1), .integer(2), .integer(3)]] {
            let error = #expect(throws: SQLiteError.self) { try db.prepare("SELECT ?, ?").bind(values) }
            #expect(error?.operation == "bind")
            #expect(error?.code == 25)  // SQLITE_RANGE
        }
    }
}
