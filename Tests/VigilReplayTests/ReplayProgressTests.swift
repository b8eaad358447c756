import Testing
import VigilReplay

@Suite struct ReplayProgressTests {
    let progress = ReplayProgress(file: "/work/shared/datasets/cmapss/train_FD001.txt")

    @Test func aRunningReplayShowsCountsRateAndETA() {
        #expect(progress.name == "train_FD001.txt")
        #expect(
            progress.line(done: 12_034, total: 20_631, refused: 3, elapsed: .milliseconds(2921))
                == "replay train_FD001.txt: 12034/20631 records (58.3 %), 3 refused, 4120 records/s, ETA 2 s")
    }

    @Test func rateAndETAWaitForTimeAndWork() {
        #expect(
            progress.line(done: 0, total: 20_631, refused: 0, elapsed: .seconds(1))
                == "replay train_FD001.txt: 0/20631 records (0.0 %), 0 refused")
        #expect(
            progress.line(done: 10, total: 20_631, refused: 0, elapsed: .zero)
                == "replay train_FD001.txt: 10/20631 records (0.0 %), 0 refused")
    }

    @Test func aFinishedReplayHasNoETA() {
        #expect(
            progress.line(done: 20_631, total: 20_631, refused: 0, elapsed: .seconds(4))
                == "replay train_FD001.txt: 20631/20631 records (100.0 %), 0 refused, 5158 records/s")
        #expect(
            ReplayProgress(file: "empty.csv").line(done: 0, total: 0, refused: 0, elapsed: .seconds(1))
                == "replay empty.csv: 0/0 records (100.0 %), 0 refused")
    }

    @Test func longETAsReadInMinutesAndHours() {
        #expect(
            progress.line(done: 100, total: 100_000, refused: 1, elapsed: .seconds(1))
                == "replay train_FD001.txt: 100/100000 records (0.1 %), 1 refused, 100 records/s, ETA 16 min 39 s")
        #expect(
            progress.line(done: 1, total: 3726, refused: 0, elapsed: .seconds(1))
                == "replay train_FD001.txt: 1/3726 records (0.0 %), 0 refused, 1 records/s, ETA 1 h 2 min")
    }

    @Test func percentRoundsHalfUp() {
        #expect(progress.line(done: 1, total: 2000, refused: 0, elapsed: .zero).contains("(0.1 %)"))
        #expect(progress.line(done: 1999, total: 2000, refused: 0, elapsed: .zero).contains("(100.0 %)"))
        #expect(progress.line(done: 1998, total: 2000, refused: 0, elapsed: .zero).contains("(99.9 %)"))
    }
}
