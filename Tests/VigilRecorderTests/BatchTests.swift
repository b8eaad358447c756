import Testing

@testable import VigilRecorder

@Suite struct BatchTests {
    let start = ContinuousClock.now
    let row = RecordRow.invalid(topic: "t", reason: "r", payload: [])

    @Test func isDueByCountOrByAge() {
        var batch = Batch(maxRows: 3, maxAge: .milliseconds(50), maxPending: 100)
        #expect(!batch.isDue(now: start))
        _ = batch.append(row, now: start)
        _ = batch.append(row, now: start)
        #expect(!batch.isDue(now: start + .milliseconds(49)))
        #expect(batch.isDue(now: start + .milliseconds(50)))
        _ = batch.append(row, now: start)
        #expect(batch.isDue(now: start))
    }

    @Test func takesAtMostOneBatch() {
        var batch = Batch(maxRows: 2, maxAge: .milliseconds(50), maxPending: 100)
        for _ in 0..<5 { _ = batch.append(row, now: start) }
        #expect(batch.take().count == 2)
        #expect(batch.rows.count == 3)
        #expect(batch.isDue(now: start))
    }

    @Test func keepsFailedRowsFirstAndWaitsBeforeRetrying() {
        var batch = Batch(maxRows: 10, maxAge: .milliseconds(50), maxPending: 100)
        _ = batch.append(.invalid(topic: "first", reason: "", payload: []), now: start)
        let taken = batch.take()
        _ = batch.append(.invalid(topic: "second", reason: "", payload: []), now: start)
        batch.putBack(taken, now: start + .milliseconds(60))
        guard case .invalid(let topic, _, _) = batch.rows.first else {
            Issue.record("rows lost")
            return
        }
        #expect(topic == "first")
        #expect(batch.rows.count == 2)
        #expect(!batch.isDue(now: start + .milliseconds(100)))
        #expect(batch.isDue(now: start + .milliseconds(110)))
    }

    @Test func rowsArrivingTogetherAreKeptAsIfAddedOneByOne() {
        func rows(_ range: Range<Int>) -> [RecordRow] {
            range.map { .invalid(topic: "\($0)", reason: "", payload: []) }
        }
        func topics(_ batch: Batch) -> [String] {
            batch.rows.map { row in
                guard case .invalid(let topic, _, _) = row else { return "" }
                return topic
            }
        }
        var together = Batch(maxRows: 10, maxAge: .milliseconds(50), maxPending: 6)
        var single = together
        #expect(together.append(contentsOf: rows(0..<3), now: start) == 0)
        #expect(together.append(contentsOf: rows(3..<8), now: start + .milliseconds(30)) == 2)
        var dropped = 0
        for row in rows(0..<3) { dropped += single.append(row, now: start) }
        for row in rows(3..<8) { dropped += single.append(row, now: start + .milliseconds(30)) }
        #expect(dropped == 2)
        #expect(topics(together) == ["2", "3", "4", "5", "6", "7"])
        #expect(topics(together) == topics(single))
        // The age counts from the first row of the first group.
        #expect(!together.isDue(now: start + .milliseconds(49)))
        #expect(together.isDue(now: start + .milliseconds(50)))
        #expect(together.take().count == 6)
        #expect(together.isEmpty)
        #expect(!together.isDue(now: start + .milliseconds(100)))
    }

    @Test func dropsTheOldestBeyondTheLimitAndSaysHowMany() {
        var batch = Batch(maxRows: 10, maxAge: .milliseconds(50), maxPending: 3)
        var dropped = 0
        for index in 0..<5 {
            dropped += batch.append(.invalid(topic: "\(index)", reason: "", payload: []), now: start)
        }
        #expect(dropped == 2)
        guard case .invalid(let topic, _, _) = batch.rows.first else { return }
        #expect(topic == "2")
        #expect(batch.removeAll() == 3)
        #expect(batch.isEmpty)
    }
}
