import Glibc
import Testing
import VigilDomain
import VigilStore

@testable import VigilRecorder

@Suite struct RollupTests {
    @Test func mergingPartsGivesTheWholesStatistics() {
        let values = (0..<1000).map { 13.5 + 0.01 * sin(Double($0)) + Double($0 % 7) * 0.001 }
        var whole = Rollup()
        for value in values { whole.add(value) }
        var merged = Rollup()
        for chunk in stride(from: 0, to: values.count, by: 137) {
            var part = Rollup()
            for value in values[chunk..<min(chunk + 137, values.count)] { part.add(value) }
            merged.merge(part)
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(merged.count == 1000)
        #expect(abs(merged.mean - mean) < 1e-12)
        #expect(abs(merged.standardDeviation - std) < 1e-9)
        #expect(abs(whole.standardDeviation - std) < 1e-9)
        #expect(merged.min == values.min() && merged.max == values.max())
    }

    @Test func periodsStartOnUTCBoundaries() {
        #expect(Rollup.Period.hour.start(of: 1_795_924_800_000 + 3_599_999) == 1_795_924_800_000)
        #expect(Rollup.Period.day.start(of: 1_795_924_800_000 + 5) == 1_795_910_400_000)
        #expect(Rollup.Period.hour.start(of: -1) == -3_600_000)
    }
}

@Suite struct RecorderStorageTests {
    let path: String = {
        var template = Array("/tmp/vigil-storage-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!) + "/history.db"
    }()

    /// A row as the recorder makes it, with the real payload: a restart rolls it up again from that.
    func reading(_ seq: Int64, ts: Int64, value: Double, padding: Int = 0) -> RecordRow {
        let reading = Reading(
            site: try! TopicLevel("demo"), asset: try! TopicLevel("a"), kind: .pump, seq: UInt64(seq),
            ts: Timestamp(millisecondsSinceEpoch: ts), source: "sim", quality: .good,
            values: .init(scalars: ["flow_lps": value]), collector: try! TopicLevel("c"))
        return .telemetry(
            asset: "a", seq: seq, ts: ts, kind: "pump", collector: "c",
            metrics: [.init(name: "flow_lps", value: value)],
            payload: String(decoding: reading.encodedJSON(), as: UTF8.self) + String(repeating: " ", count: padding))
    }

    func rollup(_ database: Database, _ period: String) throws -> [SQLValue]? {
        try database.query(
            "SELECT count, mean, min, max FROM rollups WHERE period = ? AND asset = 'a' AND metric = 'flow_lps'",
            .text(period)
        ).first
    }

    @Test func rollupsAreKeptIncrementallyAndCountEachReadingOnce() async throws {
        let store = try RecorderStore(path: path)
        let hour: Int64 = 1_795_924_800_000
        _ = try await store.write([1, 2, 3].map { reading($0, ts: hour + $0, value: Double($0) * 10) }, receivedAt: 1)
        // The second batch repeats reading 3: a duplicate must not count twice.
        _ = try await store.write([3, 4].map { reading($0, ts: hour + $0, value: Double($0) * 10) }, receivedAt: 2)
        try await store.close()
        let database = try Database(path: path, readOnly: true)
        defer { database.close() }
        #expect(try rollup(database, "hour") == [.integer(4), .real(25), .real(10), .real(40)])
        #expect(try rollup(database, "day") == [.integer(4), .real(25), .real(10), .real(40)])
    }

    @Test func rollupsWaitInMemoryAndAreRecomputedAfterACrash() async throws {
        let hour: Int64 = 1_795_924_800_000
        var store: RecorderStore? = try RecorderStore(path: path)
        _ = try await store?.write([1, 2, 3].map { reading($0, ts: hour + $0, value: Double($0) * 10) }, receivedAt: 1)
        #expect(try await store?.flushRollupsIfDue(every: .seconds(3600)) == 0)
        #expect(try await store?.count("rollups") == 0, "written once a minute, not with every batch")
        #expect(try await store?.count("rollup_pending") == 1, "one row per asset")
        // A kill: the connection goes without the rollups held in memory being written.
        store = nil
        let restarted = try RecorderStore(path: path)
        #expect(try await restarted.count("rollup_pending") == 0)
        _ = try await restarted.write([3, 4].map { reading($0, ts: hour + $0, value: Double($0) * 10) }, receivedAt: 2)
        #expect(try await restarted.flushRollupsIfDue(every: .zero) == 2, "one hourly and one daily row")
        try await restarted.close()
        let database = try Database(path: path, readOnly: true)
        defer { database.close() }
        #expect(try rollup(database, "hour") == [.integer(4), .real(25), .real(10), .real(40)])
        #expect(try rollup(database, "day") == [.integer(4), .real(25), .real(10), .real(40)])
    }

    @Test func theBudgetPrunesTheOldestRawRowsAndKeepsTheRollups() async throws {
        let store = try RecorderStore(path: path)
        let start: Int64 = 1_795_924_800_000
        for batch in 0..<20 {
            let rows = (1...200).map { index -> RecordRow in
                let seq = Int64(batch * 200 + index)
                return reading(seq, ts: start + seq * 60_000, value: 1, padding: 400)
            }
            _ = try await store.write(rows, receivedAt: 1)
        }
        let before = try await store.usedBytes()
        let budget = before / 2
        let result = try await store.maintain(now: start, rawDays: 36_500, rollupDays: 36_500, maxBytes: budget)
        #expect(result.prunedForBudget > 0)
        #expect(result.usedBytes <= budget)
        try await store.close()
        let database = try Database(path: path, readOnly: true)
        defer { database.close() }
        let kept = try database.query("SELECT count(*), min(seq), max(seq) FROM telemetry").first
        guard case .integer(let count)? = kept?[0], case .integer(let oldest)? = kept?[1] else {
            Issue.record("no telemetry left")
            return
        }
        #expect(count < 4000)
        #expect(oldest == 4000 - count + 1, "the oldest rows go first")
        #expect(kept?[2] == .integer(4000))
        let hours = try database.query("SELECT sum(count) FROM rollups WHERE period = 'hour'").first
        #expect(hours == [.integer(4000)], "rollups stay after raw rows are pruned")
    }

    @Test func pastTheBudgetTheOldestHourlyRollupsGoAfterTheRawRowsAndTheDailyOnesStay() async throws {
        let store = try RecorderStore(path: path)
        let start: Int64 = 1_795_910_400_000
        let metrics = (1...60).map { RecordRow.Metric(name: "jar\($0).voltage_v", value: 13.5) }
        // 40 days of one reading an hour with 60 metrics: 57,600 hourly rollups, 2,400 daily.
        for day in 0..<40 {
            let rows = (0..<24).map { hour -> RecordRow in
                let seq = Int64(day * 24 + hour + 1)
                return .telemetry(
                    asset: "a", seq: seq, ts: start + (seq - 1) * 3_600_000, kind: "vrla_string", collector: "c",
                    metrics: metrics, payload: "{}")
            }
            _ = try await store.write(rows, receivedAt: 1)
            try await store.flushRollups()
        }
        let before = try await store.usedBytes()
        let budget = before / 2
        let result = try await store.maintain(now: start, rawDays: 36_500, rollupDays: 36_500, maxBytes: budget)
        #expect(result.usedBytes <= budget)
        try await store.close()
        let database = try Database(path: path, readOnly: true)
        defer { database.close() }
        #expect(try database.query("SELECT count(*) FROM telemetry").first == [.integer(0)], "raw rows go first")
        #expect(try database.query("SELECT count(*) FROM rollups WHERE period = 'day'").first == [.integer(2400)])
        let hours = try database.query(
            "SELECT count(*), min(start_ms), max(start_ms) FROM rollups WHERE period = 'hour'"
        )
        .first
        guard case .integer(let kept)? = hours?[0], case .integer(let oldest)? = hours?[1] else {
            Issue.record("no hourly rollups left")
            return
        }
        #expect(kept > 0 && kept < 57_600)
        #expect(oldest > start, "the oldest hours go first")
        #expect(hours?[2] == .integer(start + 959 * 3_600_000), "the newest hour stays")
    }

    @Test func onlyADeletionWritesTheRollupsEarly() async throws {
        let store = try RecorderStore(path: path)
        let hour: Int64 = 1_795_924_800_000
        _ = try await store.write([reading(1, ts: hour, value: 1)], receivedAt: 1)
        // The 10-second budget check, under budget and without retention: nothing to protect.
        _ = try await store.maintain(now: hour, rawDays: 36_500, rollupDays: 36_500, maxBytes: 1 << 30, expire: false)
        #expect(try await store.count("rollups") == 0)
        _ = try await store.maintain(now: hour, rawDays: 36_500, rollupDays: 36_500, maxBytes: 1 << 30, expire: true)
        #expect(try await store.count("rollups") == 2, "written before retention may delete their readings")
        try await store.close()
    }

    @Test func retentionExpiresRawRowsByAge() async throws {
        let store = try RecorderStore(path: path)
        let day: Int64 = 86_400_000
        let now: Int64 = 1_795_924_800_000
        _ = try await store.write(
            [reading(1, ts: now - 10 * day, value: 1), reading(2, ts: now - 2 * day, value: 1)], receivedAt: now)
        let result = try await store.maintain(now: now, rawDays: 5, rollupDays: 30, maxBytes: 1 << 30)
        #expect(result.expired == 1)
        #expect(try await store.count("telemetry") == 1)
        #expect(try await store.count("rollups") == 4)
        try await store.close()
    }
}
