import Synchronization
import VigilDomain
import VigilModbus
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Owns one bus — a serial line or a TCP endpoint — on its own OS thread, and polls the devices
/// on it one request at a time.
///
/// libmodbus blocks for up to a timeout per request; on a dedicated thread that never stalls the
/// agent's async tasks, and one owner per bus is what keeps requests from interleaving.
final class BusPoller: Sendable {
    struct Device: Sendable {
        var index: Int
        var unit: UInt8
        var plan: ReadPlan
        var timeout: Duration
        var retries: Int
        var interval: Duration
        var backoffMax: Duration
    }

    typealias Delivery = @Sendable (_ device: Int, _ outcome: PollOutcome, _ at: Timestamp) -> Void

    let transport: ModbusTransport
    let devices: [Device]
    private let stopping = Mutex(false)
    private let finished = Mutex(false)

    init(transport: ModbusTransport, devices: [Device]) {
        self.transport = transport
        self.devices = devices
    }

    func start(deliver: @escaping Delivery) {
        OSThread.spawn { [self] in
            run(deliver: deliver)
            finished.withLock { $0 = true }
        }
    }

    /// Asks the thread to stop after its current request and waits for it, at most `limit`.
    /// Blocking, on purpose: it runs once at stop, also from a cancelled task.
    func stop(within limit: Duration) {
        stopping.withLock { $0 = true }
        let deadline = ContinuousClock.now + limit
        while !finished.withLock({ $0 }) && ContinuousClock.now < deadline {
            usleep(5000)
        }
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    private func run(deliver: Delivery) {
        let clock = ContinuousClock()
        var schedule = PollSchedule(
            intervals: devices.map { ($0.interval, $0.backoffMax) }, start: clock.now)
        let connection: ModbusConnection
        do {
            connection = try ModbusConnection(transport)
        } catch {
            // Settings were validated at start; this is the library refusing (out of memory).
            while !isStopping {
                for device in devices {
                    deliver(
                        device.index,
                        PollOutcome(registers: device.plan.ranges.map { _ in nil }, errors: [error], requests: 0),
                        .now())
                }
                sleepInterruptibly(until: clock.now + .seconds(5), clock: clock)
            }
            return
        }
        defer { connection.close() }
        var silentPolls = 0
        while !isStopping {
            guard let (slot, due) = schedule.next() else { return }
            sleepInterruptibly(until: due, clock: clock)
            if isStopping { return }
            let device = devices[slot]
            let outcome = poll(device, on: connection, retry: schedule.shouldRetry(slot))
            let answered =
                outcome.registers.contains { $0 != nil } || outcome.errors.contains { $0.unitAnswered }
            schedule.record(slot, answered: answered, now: clock.now)
            // A TCP connection that a firewall or NAT silently dropped only ever times out: after a
            // few silent polls in a row, whatever unit they were for, open a fresh one.
            silentPolls = answered ? 0 : silentPolls + 1
            if case .tcp = transport, silentPolls >= 3 {
                connection.close()
                silentPolls = 0
            }
            if isStopping { return }
            deliver(device.index, outcome, .now())
        }
    }

    /// RTU needs 3.5 character times of silence between frames (11 bits a character), and at
    /// least 1.75 ms above 19,200 baud; without it a late reply of one unit can run into the
    /// next unit's exchange.
    private var interFrameGap: Duration? {
        guard case .rtu(let line) = transport else { return nil }
        let seconds = max(3.5 * 11 / Double(line.baud), 0.00175)
        return .microseconds(Int64(seconds * 1_000_000))
    }

    private func poll(_ device: Device, on connection: ModbusConnection, retry: Bool) -> PollOutcome {
        var registers: [[UInt16]?] = []
        var errors: [ModbusError] = []
        var requests = 0
        var giveUp = false
        var anyAnswer = false
        var refused: Set<Int> = []
        for (index, range) in device.plan.ranges.enumerated() {
            guard !giveUp else {
                registers.append(nil)
                continue
            }
            var result: [UInt16]?
            for _ in 0...(retry ? device.retries : 0) {
                requests += 1
                if let gap = interFrameGap { Self.pause(gap) }
                do {
                    result = try connection.readRegisters(
                        unit: device.unit, table: range.table, address: range.address, count: range.count,
                        timeout: device.timeout)
                    anyAnswer = true
                    break
                } catch {
                    errors.append(error)
                    // An exception is the unit's considered answer; asking again changes nothing.
                    if error.unitAnswered {
                        anyAnswer = true
                        refused.insert(index)
                        break
                    }
                    if error.kind == .connection {
                        giveUp = true
                        break
                    }
                }
            }
            // A unit that has not answered any range of this poll is not asked for the others: a
            // dead unit costs its bus one timeout (and its retries), not one per range.
            if result == nil && !anyAnswer { giveUp = true }
            registers.append(result)
        }
        return PollOutcome(registers: registers, errors: errors, requests: requests, refusedRanges: refused)
    }

    private static func pause(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        nanosleep(&request, nil)
    }

    /// Sleeps in short slices so a stop request is honoured within 50 ms.
    private func sleepInterruptibly(until deadline: ContinuousClock.Instant, clock: ContinuousClock) {
        while !isStopping {
            let left = clock.now.duration(to: deadline)
            if left <= .zero { return }
            let slice = min(left, .milliseconds(50))
            let (seconds, attoseconds) = slice.components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            nanosleep(&request, nil)
        }
    }
}
