import Glibc
import Testing
import VigilStore

@testable import VigilOutbox

@Suite struct OutboxStoreTests {
    let path: String = {
        var template = Array("/tmp/vigil-outbox-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!) + "/collector.db"
    }()

    func entries(_ asset: String, _ seqs: ClosedRange<UInt64>) -> [OutboxStore.Entry] {
        seqs.map { .init(asset: asset, seq: $0, topic: "t/\(asset)", payload: Array("{\"seq\":\($0)}".utf8)) }
    }

    @Test func numberingContinuesFromWhatWasCommittedEvenWithoutAClose() throws {
        let first = try OutboxStore(path: path)
        try first.append(entries("a", 1...7), sentAt: 1)
        try first.append(entries("b", 1...2), sentAt: 1)
        // No close: the process dies here. Only what was committed counts.
        let second = try OutboxStore(path: path)
        #expect(try second.lastSequences() == ["a": 7, "b": 2])
        #expect(second.count == 9)
        var numbers = SequenceNumbers(last: try second.lastSequences())
        #expect(numbers.next("a") == 8)
        #expect(numbers.next("c") == 1)
        second.close()
        first.close()
    }

    @Test func acknowledgedRangesAreDeletedAndGapsKept() throws {
        let store = try OutboxStore(path: path)
        try store.append(entries("a", 1...10), sentAt: 1)
        #expect(try store.remove([("a", [1...3, 6...8])]) == 6)
        #expect(store.count == 4)
        let left = try store.due(cutoff: 1, limit: 100).map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(left == [#"{"seq":4}"#, #"{"seq":5}"#, #"{"seq":9}"#, #"{"seq":10}"#])
        store.close()
    }

    @Test func dueGivesTheLongestUnsentFirstAndSendingAgainMovesItToTheBack() throws {
        let store = try OutboxStore(path: path)
        try store.append(entries("a", 1...3), sentAt: 100)
        // Added while the broker was away: never sent, so due before anything that was.
        try store.append(entries("b", 1...2), sentAt: 0)
        func due(_ cutoff: Int64, _ limit: Int) throws -> [String] {
            try store.due(cutoff: cutoff, limit: limit).map { String(decoding: $0.payload, as: UTF8.self) }
        }
        #expect(try due(50, 10) == [#"{"seq":1}"#, #"{"seq":2}"#])
        #expect(try store.due(cutoff: 50, limit: 10).allSatisfy { $0.topic == "t/b" })
        let pass = try store.due(cutoff: 100, limit: 3)
        #expect(pass.map(\.topic) == ["t/b", "t/b", "t/a"])
        try store.markSent(pass.map(\.id), at: 500)
        #expect(try store.due(cutoff: 100, limit: 10).map(\.topic) == ["t/a", "t/a"])
        #expect(try due(100, 10) == [#"{"seq":2}"#, #"{"seq":3}"#])
        // Everything due: those sent at 100 first, then those sent again at 500 in the order added.
        #expect(try due(500, 10) == [2, 3, 1, 1, 2].map { #"{"seq":\#($0)}"# })
        #expect(try store.due(cutoff: 500, limit: 10).map(\.topic) == ["t/a", "t/a", "t/a", "t/b", "t/b"])
        store.close()
    }

    @Test func findingWhatIsDueReadsTheIndexNotTheWholeOutbox() throws {
        let store = try OutboxStore(path: path)
        store.close()
        let database = try Database(path: path, readOnly: true)
        defer { database.close() }
        let plan = try database.query("EXPLAIN QUERY PLAN " + OutboxStore.dueSQL, .integer(0), .integer(1))
            .compactMap { row in row.last.flatMap { if case .text(let detail) = $0 { detail } else { nil } } }
        #expect(plan == ["SEARCH outbox USING INDEX outbox_due (sent_ms<?)"])
    }

    @Test func dropsTheOldestFirst() throws {
        let store = try OutboxStore(path: path)
        try store.append(entries("a", 1...5), sentAt: 0)
        try store.append(entries("b", 1...5), sentAt: 0)
        #expect(try store.dropOldest(6) == 6)
        #expect(store.count == 4)
        #expect(try store.due(cutoff: 0, limit: 10).allSatisfy { $0.topic == "t/b" })
        #expect(try store.usedBytes() > 0)
        store.close()
    }

    @Test func aVersionOneFileContinuesPastItsReservation() throws {
        let old = try Database(path: path)
        _ = try old.migrate(Array(OutboxStore.migrations.prefix(1)))
        try old.run("INSERT INTO sequences (asset, reserved) VALUES ('a', 1000)")
        old.close()
        let store = try OutboxStore(path: path)
        #expect(try store.lastSequences() == ["a": 1000])
        store.close()
    }
}
