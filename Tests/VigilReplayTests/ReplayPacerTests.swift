import Testing
import VigilDomain
import VigilReplay

@Suite struct ReplayPacerTests {
    let wall = ContinuousClock.now
    let first = Timestamp(rfc3339: "2026-11-29T04:00:00Z")!

    @Test func asFastAsPossibleNeverWaits() {
        var pacer = ReplayPacer(rate: .asFastAsPossible)
        #expect(pacer.delay(before: first, now: wall) == .zero)
        #expect(pacer.delay(before: first.adding(milliseconds: 86_400_000), now: wall) == .zero)
    }

    @Test func realTimeWaitsTheRecordedGapLessTheTimeAlreadySpent() {
        var pacer = ReplayPacer(rate: .realTime)
        #expect(pacer.delay(before: first, now: wall) == .zero)
        #expect(pacer.delay(before: first.adding(milliseconds: 10_000), now: wall + .seconds(3)) == .seconds(7))
        // Anchored on the first record: publishing late does not push the rest of the schedule back.
        #expect(pacer.delay(before: first.adding(milliseconds: 12_000), now: wall + .seconds(11)) == .seconds(1))
        #expect(pacer.delay(before: first.adding(milliseconds: 13_000), now: wall + .seconds(20)) == .zero)
        #expect(pacer.delay(before: first.adding(milliseconds: 30_000), now: wall + .seconds(20)) == .seconds(10))
    }

    @Test func multiplesCompressOrStretchRecordedTime() {
        var fast = ReplayPacer(rate: .multiple(10))
        #expect(fast.delay(before: first, now: wall) == .zero)
        #expect(fast.delay(before: first.adding(milliseconds: 60_000), now: wall + .seconds(1)) == .seconds(5))
        #expect(fast.delay(before: first.adding(milliseconds: 100), now: wall) == .milliseconds(10))

        var slow = ReplayPacer(rate: .multiple(0.5))
        #expect(slow.delay(before: first, now: wall) == .zero)
        #expect(slow.delay(before: first.adding(milliseconds: 1500), now: wall + .seconds(1)) == .seconds(2))
    }

    @Test func recordsBeforeTheFirstAndNonsenseMultiplesDoNotWait() {
        var pacer = ReplayPacer(rate: .realTime)
        _ = pacer.delay(before: first, now: wall)
        #expect(pacer.delay(before: first.adding(milliseconds: -5000), now: wall) == .zero)
        for factor in [0, -2, Double.nan, .infinity] {
            var odd = ReplayPacer(rate: .multiple(factor))
            _ = odd.delay(before: first, now: wall)
            #expect(odd.delay(before: first.adding(milliseconds: 5000), now: wall) == .zero)
        }
    }

    @Test func ratesAreReadAsOperatorsTypeThem() {
        #expect(ReplayPacer.Rate("max") == .asFastAsPossible)
        #expect(ReplayPacer.Rate("MAX") == .asFastAsPossible)
        #expect(ReplayPacer.Rate("realtime") == .realTime)
        #expect(ReplayPacer.Rate("x1") == .realTime)
        #expect(ReplayPacer.Rate("x10") == .multiple(10))
        #expect(ReplayPacer.Rate("10x") == .multiple(10))
        #expect(ReplayPacer.Rate("X2.5") == .multiple(2.5))
        #expect(ReplayPacer.Rate("x0.5") == .multiple(0.5))
        for bad in ["", "x", "x0", "x-2", "0x", "fast", "xinf", "xnan", "x1e3", "10", "x 10", "real time"] {
            #expect(ReplayPacer.Rate(bad) == nil, "\(bad)")
        }
    }

    @Test func ratesPrintAsTheyAreRead() {
        let rates: [ReplayPacer.Rate] = [.asFastAsPossible, .realTime, .multiple(10), .multiple(0.5)]
        #expect(rates.map(\.description) == ["max", "realtime", "x10", "x0.5"])
        #expect(rates.map { ReplayPacer.Rate($0.description) } == rates)
    }
}
