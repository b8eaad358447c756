internal import Glibc
import Synchronization

/// The signals between a client and its network thread: a pipe whose byte wakes the thread's
/// `poll` (a stop, or a packet another thread could not write whole), the stop request, and
/// whether a thread still runs: two must never work the same libmosquitto handle.
final class NetworkThread: Sendable {
    /// The pipe's read end, which the thread polls.
    let wake: Int32
    private let wakeWriter: Int32
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)
    private let readingPaused = Atomic<Bool>(false)
    /// Set by the thread once it saw the pause between two packets: from then on it reads nothing.
    private let pauseSeen = Atomic<Bool>(false)

    init() throws(MQTTError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .failure("init", code: errno, source: .system, detail: "pipe") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        (wake, wakeWriter) = (ends[0], ends[1])
    }

    deinit {
        close(wake)
        close(wakeWriter)
    }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }
    var isReadingPaused: Bool { readingPaused.load(ordering: .acquiring) }
    /// Paused, the socket is only written; a stop reads again, to see the broker close it.
    var mayRead: Bool { !isReadingPaused || isStopping }

    /// Runs `body` on a new detached thread; false if the system refused one, or if the thread of
    /// an earlier start has not ended yet.
    func spawn(_ body: @escaping @Sendable () -> Void) -> Bool {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return false }
        stopping.store(false, ordering: .releasing)
        readingPaused.store(false, ordering: .releasing)
        pauseSeen.store(false, ordering: .releasing)
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                NetworkThread.nameThisThread("mosquitto loop")
                let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
                body.run()
                return nil
            }, box)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            running.store(false, ordering: .releasing)
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// A full pipe already says "wake up": the write may then fail, harmlessly.
    func signal() {
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
    }

    func drain() {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        _ = withUnsafeMutableBytes(of: &bytes) { read(wake, $0.baseAddress, $0.count) }
    }

    /// Returns once the thread reads no more, or after `seconds` (a thread stuck elsewhere reads
    /// nothing either); `connected` says whether there is anything to read at all.
    func pauseReading(seconds: Int, connected: () -> Bool) {
        readingPaused.store(true, ordering: .releasing)
        signal()
        let deadline = ContinuousClock.now + .seconds(seconds)
        while running.load(ordering: .acquiring), !pauseSeen.load(ordering: .acquiring), connected(),
            ContinuousClock.now < deadline
        {
            usleep(1000)
        }
    }

    /// Called by the thread between packets.
    func acknowledgePause() { pauseSeen.store(true, ordering: .releasing) }

    func requestStop() {
        stopping.store(true, ordering: .releasing)
        signal()
    }

    /// Called by the thread as its last act.
    func markFinished() { running.store(false, ordering: .releasing) }

    /// Whether the thread of an earlier start still runs.
    var isRunning: Bool { running.load(ordering: .acquiring) }

    /// Waits for the thread to end; false when it did not within `seconds`.
    func waitUntilFinished(seconds: Int) -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while running.load(ordering: .acquiring) {
            if ContinuousClock.now >= deadline { return false }
            usleep(1000)
        }
        return true
    }

    /// As libmosquitto named its own thread, for `top -H` and `perf` (`pthread_setname_np` is not
    /// visible from Swift's Glibc module; this is what it does on Linux).
    private static func nameThisThread(_ name: String) {
        let file = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard file >= 0 else { return }
        _ = name.withCString { write(file, $0, strlen($0)) }
        close(file)
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
