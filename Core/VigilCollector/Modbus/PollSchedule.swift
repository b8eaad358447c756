/// When each device on one bus is polled next. Pure, so the fairness rules are tested without a bus.
///
/// A dead unit on a shared RS-485 line costs a full timeout per attempt; retried every interval it
/// would starve its neighbours (the Node-RED/Telegraf/EdgeX complaint). Here a failing device backs
/// off exponentially up to `backoffMax`, is tried once per attempt instead of with retries, and
/// comes back to its normal interval the moment it answers again.
public struct PollSchedule: Sendable {
    public struct Device: Sendable {
        public var interval: Duration
        public var backoffMax: Duration
        var nextDue: ContinuousClock.Instant
        var failures = 0
    }

    public private(set) var devices: [Device]

    public init(intervals: [(interval: Duration, backoffMax: Duration)], start: ContinuousClock.Instant) {
        devices = intervals.map { Device(interval: $0.interval, backoffMax: $0.backoffMax, nextDue: start) }
    }

    /// The device due first (ties: the lowest index) and when it is due.
    public func next() -> (device: Int, due: ContinuousClock.Instant)? {
        guard let index = devices.indices.min(by: { devices[$0].nextDue < devices[$1].nextDue }) else { return nil }
        return (index, devices[index].nextDue)
    }

    /// Whether requests to the device should be retried: only while it is known to be healthy.
    public func shouldRetry(_ device: Int) -> Bool { devices[device].failures == 0 }

    public func failures(_ device: Int) -> Int { devices[device].failures }

    public mutating func record(_ device: Int, answered: Bool, now: ContinuousClock.Instant) {
        var entry = devices[device]
        if answered {
            entry.failures = 0
            // Fixed rate; a poll that ran late does not make every later poll late, and missed
            // polls are skipped rather than fired in a burst.
            entry.nextDue = entry.nextDue + entry.interval
            if entry.nextDue <= now { entry.nextDue = now + entry.interval }
        } else {
            entry.failures += 1
            let factor = 1 << min(entry.failures - 1, 20)
            entry.nextDue = now + min(entry.interval * factor, max(entry.backoffMax, entry.interval))
        }
        devices[device] = entry
    }
}
