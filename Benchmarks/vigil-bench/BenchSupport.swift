import Foundation
import VigilCollector
import VigilDomain
import VigilEvaluator
import VigilMQTT
import VigilModbus

// Helpers every benchmark shares: Modbus images, free ports, processes and their CPU time.

/// The battery-monitor map's register image: 24 jars at 13.5 V, 27.0 °C, 3.95 mΩ.
func batteryImage() -> [UInt16] {
    var registers = [UInt16](repeating: 0, count: 118)
    registers[0] = 32400
    registers[1] = 12
    registers[2] = 264
    for jar in 0..<24 {
        registers[10 + jar] = 13500
        registers[40 + jar] = 270
        registers[70 + 2 * jar] = 0
        registers[71 + 2 * jar] = 3950
    }
    return registers
}

func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    close(fd)
    return Int(UInt16(bigEndian: address.sin_port))
}

func rawModbusRate(port: Int, seconds: Double) throws -> Double {
    let connection = try ModbusConnection(.tcp(host: "127.0.0.1", port: port))
    let start = Date()
    var count = 0
    while Date().timeIntervalSince(start) < seconds {
        _ = try connection.readRegisters(unit: 1, table: .input, address: 0, count: 118, timeout: .seconds(1))
        count += 1
    }
    connection.close()
    return Double(count) / Date().timeIntervalSince(start)
}

func start(_ path: String, _ arguments: [String], log: String, environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    process.standardError = FileHandle(forWritingAtPath: log)
    process.standardOutput = FileHandle(forWritingAtPath: log)
    try process.run()
    return process
}

func stop(_ process: Process) {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGTERM)
    let deadline = Date().addingTimeInterval(3)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
}

/// Readings per second that reach the broker from the real collector binary polling `devices`
/// battery monitors as fast as it can, and the collector's CPU time per reading: the throughput
/// depends on what else shares the 2 cores, the CPU cost much less.
func collectorRate(binDirectory: String, work: String, modbusPorts: [Int], devicesPerPort: Int, seconds: Double)
    async throws -> (readingsPerSecond: Double, cpuPerReading: Double)
{
    let (broker, brokerPort) = try RecorderBench.floodBroker(work: work, name: "collector")
    defer { stop(broker) }

    var devices = ""
    var index = 0
    for port in modbusPorts {
        for _ in 0..<devicesPerPort {
            index += 1
            // One line per device: the configuration parser takes flow mappings on one line only.
            devices +=
                "    - {name: bms-\(index), map: battery-monitor.yaml, asset: str-\(index), kind: vrla_string, "
                + "unit: 1, tcp: {host: 127.0.0.1, port: \(port)}, interval_ms: 1, timeout_ms: 1000}\n"
        }
    }
    let maps = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/maps").path
    try """
    site: bench
    collector:
      source: modbus
      maps_dir: \(maps)
      devices:
    \(devices)
    """.write(toFile: "\(work)/collector.yaml", atomically: true, encoding: .utf8)

    // Counted by the broker itself ($SYS, every second), so no subscriber competes for the CPU.
    var configuration = MQTTConfiguration(clientID: "bench-counter")
    configuration.port = brokerPort
    let counter = try MQTTClient(configuration: configuration)
    try await counter.connect()
    try await counter.subscribe("$SYS/broker/publish/messages/received", qos: .atMostOnce)
    let received = Counter()
    let drain = Task {
        for await message in counter.messages {
            if let value = Int(String(decoding: message.payload, as: UTF8.self)) { received.set(value) }
        }
    }
    let collector = try start(
        "\(binDirectory)/vigil-collector", ["--config", "\(work)/collector.yaml"], log: "\(work)/collector.log",
        environment: ["VIGIL_BROKER_PORT": String(brokerPort), "VIGIL_STATE_DIR": "\(work)/collector"])
    defer { stop(collector) }
    try await Task.sleep(for: .seconds(Settle.seconds))
    let (before, started) = await received.next()
    let cpuBefore = cpuSeconds(collector.processIdentifier)
    try await Task.sleep(for: .seconds(seconds))
    let (after, ended) = await received.next()
    let cpu = cpuSeconds(collector.processIdentifier) - cpuBefore
    drain.cancel()
    await counter.disconnect()
    return (Double(after - before) / ended.timeIntervalSince(started), cpu / Double(max(after - before, 1)))
}

/// User plus system CPU time a process has used so far, from /proc.
func cpuSeconds(_ pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let end = stat.lastIndex(of: ")")
    else { return 0 }
    // Fields after the command name: state is field 3, utime 14 and stime 15.
    let fields = stat[stat.index(after: end)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The broker's running count of received publishes, and when it last changed.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var updated = Date()
    func set(_ value: Int) {
        lock.withLock {
            count = value
            updated = Date()
        }
    }

    /// Waits for the next update, so both ends of a measurement are fresh $SYS samples.
    func next() async -> (Int, Date) {
        let seen = lock.withLock { updated }
        while lock.withLock({ updated }) == seen { try? await Task.sleep(for: .milliseconds(5)) }
        return lock.withLock { (count, updated) }
    }
}

/// How long a measurement lets a freshly started agent subscribe and settle before it starts.
enum Settle {
    static let seconds = CommandLine.arguments.contains("--smoke") ? 0.5 : 2.0
}

/// The machine's CPU time so far, from `/proc/stat`: all of it, and what the hypervisor took
/// (steal: the virtual CPU was ready to run and the host ran something else). On a shared
/// virtual machine steal comes in stretches of milliseconds, which no agent can shorten: it is
/// reported beside the latency and throughput figures it disturbs.
struct MachineTime {
    var total: Double
    var stolen: Double

    static func now() -> MachineTime {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return MachineTime(total: 0, stolen: 0) }
        // user nice system idle iowait irq softirq steal (guest time is already in user).
        let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard fields.count == 8 else { return MachineTime(total: 0, stolen: 0) }
        return MachineTime(total: fields.reduce(0, +), stolen: fields[7])
    }

    /// Percent of all CPU time since `start` that was stolen; nil where the kernel keeps no count.
    func stolenPercent(since start: MachineTime) -> Double? {
        let total = self.total - start.total
        return total > 0 ? (stolen - start.stolen) / total * 100 : nil
    }
}
