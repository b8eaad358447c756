#if canImport(Glibc)
    internal import Glibc
#endif

/// Lets an agent's work give way to every other thread on the gateway.
///
/// Why: the recorder's commits come in bursts of 8–25 ms of CPU. On a two-core gateway such a
/// burst kept the broker, the evaluator or the alerter off a core until the next scheduler tick
/// (4 ms at 250 Hz), once per hop, and the alarm p99 at 2,000 readings/s went from 3.5 to
/// 7–9 ms; lowering its nice value did not help, because the kernel lets a running thread finish
/// its slice whatever its weight. A thread in `SCHED_IDLE` is preempted the moment any other
/// thread wakes, and the kernel places woken threads on its core as if it were idle.
public enum CPUPriority {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// 0: the thread that asked.
        public let thread: Int32
        public let code: Int32

        public var description: String {
            "sched_setscheduler(SCHED_IDLE) on thread \(thread): \(String(cString: strerror(code)))"
        }
    }

    /// Linux's `SCHED_IDLE`; glibc declares the name only under `_GNU_SOURCE`, which Swift's
    /// Glibc module does not set.
    static let schedIdle: Int32 = 5

    /// Moves the calling thread alone to `SCHED_IDLE`, for a thread that does an agent's
    /// background work (`BackgroundSaver`). One way, as for `yieldToOthers`.
    public static func yieldThisThread() throws(Failure) {
        var parameters = sched_param()
        // Thread 0: the caller. With `sched_setscheduler` Linux applies a policy to one thread.
        guard sched_setscheduler(0, schedIdle, &parameters) == 0 else {
            throw Failure(thread: 0, code: errno)
        }
    }

    /// Moves every thread of this process to `SCHED_IDLE`; threads started afterwards inherit it
    /// from the thread that starts them. One way: an unprivileged process cannot come back without
    /// `RLIMIT_NICE`, so this is for a whole agent at start, not for single calls.
    /// - Returns: how many threads were moved.
    @discardableResult
    public static func yieldToOthers() throws(Failure) -> Int {
        guard let directory = opendir("/proc/self/task") else { throw Failure(thread: 0, code: errno) }
        defer { closedir(directory) }
        var moved = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let thread = Int32(name) else { continue }
            var parameters = sched_param()
            if sched_setscheduler(thread, schedIdle, &parameters) == 0 {
                moved += 1
            } else if errno != ESRCH {
                // ESRCH: the thread ended between the listing and the call.
                throw Failure(thread: thread, code: errno)
            }
        }
        return moved
    }
}
