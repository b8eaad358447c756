import Testing
import VigilDomain

@testable import VigilRecorder

@Suite struct SequenceLedgerTests {
    @Test func watermarkFollowsContiguousSequence() {
        var ledger = SequenceLedger()
        for seq in 1...5 {
            let new = ledger.record(collector: "c", asset: "a", seq: UInt64(seq))
            #expect(new)
        }
        let progress = ledger.progress(collector: "c", asset: "a")
        #expect(progress.committed == 5)
        #expect(progress.latest == 5)
        #expect(progress.gaps.isEmpty)
    }

    @Test func aMissingReadingHoldsTheWatermarkAndIsReportedAsAGap() {
        var ledger = SequenceLedger()
        for seq: UInt64 in [1, 2, 5, 6, 9] { ledger.record(collector: "c", asset: "a", seq: seq) }
        let progress = ledger.progress(collector: "c", asset: "a")
        #expect(progress.committed == 2)
        #expect(progress.latest == 9)
        #expect(progress.gaps == [3...4, 7...8])
        #expect(progress.stored == [1...2, 5...6, 9...9])
    }

    @Test func fillingGapsInAnyOrderAdvancesTheWatermark() {
        var ledger = SequenceLedger()
        for seq: UInt64 in [1, 2, 5, 6, 9, 4, 8, 7] { ledger.record(collector: "c", asset: "a", seq: seq) }
        #expect(ledger.progress(collector: "c", asset: "a").committed == 2)
        #expect(ledger.progress(collector: "c", asset: "a").gaps == [3...3])
        #expect(ledger.gapCount(collector: "c") == 1)
        ledger.record(collector: "c", asset: "a", seq: 3)
        #expect(ledger.gapCount(collector: "c") == 0)
        let progress = ledger.progress(collector: "c", asset: "a")
        #expect(progress.committed == 9)
        #expect(progress.gaps.isEmpty)
        #expect(ledger.entries.values.allSatisfy { $0.above.isEmpty })
    }

    @Test func duplicatesAreRecognisedBelowAndAboveTheWatermark() {
        var ledger = SequenceLedger()
        for seq: UInt64 in [1, 2, 3, 7] { ledger.record(collector: "c", asset: "a", seq: seq) }
        let belowWatermark = ledger.record(collector: "c", asset: "a", seq: 2)
        let aboveWatermark = ledger.record(collector: "c", asset: "a", seq: 7)
        let new = ledger.record(collector: "c", asset: "a", seq: 6)
        #expect(!belowWatermark && !aboveWatermark && new)
        #expect(ledger.progress(collector: "c", asset: "a").gaps == [4...5])
    }

    @Test func theFirstReadingSeenIsNotAssumedToBeTheFirstTaken() {
        var ledger = SequenceLedger()
        ledger.record(collector: "c", asset: "a", seq: 40)
        let progress = ledger.progress(collector: "c", asset: "a")
        #expect(progress.committed == 0)
        #expect(progress.gaps == [1...39])
    }

    @Test func assetsAndCollectorsAreKeptApart() {
        var ledger = SequenceLedger()
        ledger.record(collector: "c1", asset: "a", seq: 1)
        ledger.record(collector: "c2", asset: "a", seq: 2)
        ledger.record(collector: "c1", asset: "b", seq: 1)
        #expect(ledger.progress(collector: "c1", asset: "a").committed == 1)
        #expect(ledger.progress(collector: "c2", asset: "a").committed == 0)
        #expect(ledger.progress(collector: "c1", asset: "b").committed == 1)
    }

    @Test func randomArrivalOrderMatchesAReferenceSet() {
        var generator = SplitMix(seed: 7)
        var ledger = SequenceLedger()
        var stored = Set<UInt64>()
        for _ in 0..<3000 {
            let seq = UInt64(generator.next() % 500) + 1
            let new = ledger.record(collector: "c", asset: "a", seq: seq)
            #expect(new == stored.insert(seq).inserted)
            let progress = ledger.progress(collector: "c", asset: "a")
            var expected: UInt64 = 0
            while stored.contains(expected + 1) { expected += 1 }
            #expect(progress.committed == expected)
            #expect(progress.latest == stored.max()!)
            let missing = progress.gaps.reduce(0) { $0 + $1.count }
            #expect(UInt64(missing) == progress.latest - UInt64(stored.count))
        }
    }
}

/// A tiny deterministic generator, so a failure replays.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct SequenceRangesTests {
    @Test func numbersInAnyOrderBecomeTheFewestRanges() {
        var ranges = SequenceRanges()
        for seq: UInt64 in [5, 6, 7, 1, 3, 2, 10, 9, 20] {
            let new = ranges.insert(seq)
            #expect(new)
        }
        #expect(ranges.ranges == [1...3, 5...7, 9...10, 20...20])
        let again = [ranges.insert(6), ranges.insert(20)]
        #expect(again == [false, false], "numbers already there")
        let gaps = [ranges.insert(4), ranges.insert(8)]
        #expect(gaps == [true, true])
        #expect(ranges.ranges == [1...10, 20...20])
    }

    @Test func textRoundTripsAndSkipsWhatIsMalformed() {
        var ranges = SequenceRanges()
        for seq: UInt64 in [1, 2, 3, 7, 9, 10] { ranges.insert(seq) }
        #expect(ranges.text == "1-3,7-7,9-10")
        #expect(SequenceRanges(text: ranges.text) == ranges)
        #expect(SequenceRanges(text: "9-10,x,5-2,1-3,7-7").ranges == [1...3, 7...7, 9...10])
        #expect(SequenceRanges(text: "").isEmpty)
    }
}
