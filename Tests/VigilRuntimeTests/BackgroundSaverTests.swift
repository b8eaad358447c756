import Synchronization
import Testing

@testable import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The evaluator's and alerter's saves run off their judging loops: a submit must never wait for
/// a save, saves waiting behind a slow one collapse into the newest, and the items a save covers
/// are recorded after it, in the order they were submitted.
@Suite struct BackgroundSaverTests {
    final class Log: Sendable {
        let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test func submitReturnsWhileASaveIsStuckAndWaitingSavesCoalesce() async throws {
        let log = Log()
        let released = Mutex(false)
        let started = ThreadSemaphore()
        let saver = BackgroundSaver<Int, String>(
            save: { state in
                log.add("save \(state)")
                guard state == 1 else { return }
                started.signal()
                // A slow fsync; bounded, so a saver that saved on the caller's thread fails the
                // expectations below instead of hanging the test run.
                for _ in 0..<500 where !released.withLock({ $0 }) { usleep(10_000) }
            },
            record: { items in log.add("record \(items.joined(separator: ","))") })

        saver.submit(1, items: ["a"])
        started.wait()
        // The first save is stuck (a slow fsync); these must return at once and wait their turn.
        saver.submit(2, items: ["b"])
        saver.submit(3, items: ["c", "d"])
        #expect(log.all == ["save 1"])
        released.withLock { $0 = true }
        saver.flush()
        #expect(log.all == ["save 1", "record a", "save 3", "record b,c,d"])

        saver.submit(4)
        saver.stop()
        #expect(log.all.last == "save 4")
    }

    /// A save woken as an ordinary thread took the core from the alarm that had just gone out.
    @Test func savesRunInTheIdleClassAndSaySo() throws {
        let policy = Mutex<Int32>(-1)
        let placed = Mutex<[String]>([])
        let saver = BackgroundSaver<Int, Never>(
            save: { _ in policy.withLock { $0 = sched_getscheduler(0) } },
            placed: { failure in placed.withLock { $0.append(failure.map { "\($0)" } ?? "idle") } })
        saver.submit(1)
        saver.flush()
        #expect(placed.withLock { $0 } == ["idle"])
        #expect(policy.withLock { $0 } == CPUPriority.schedIdle)
        saver.stop()
    }
}
