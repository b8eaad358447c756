import Foundation
import VigilCollector
import VigilDomain
import VigilEvaluator
import VigilMQTT
import VigilModbus

// `make bench`: measures Vigil against references taken in the same run on the same machine,
// and reports ratios, because absolute figures on a shared 2-core machine mean little.

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
    let brokerPort = freePort()
    try
        "listener \(brokerPort) 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\nmax_inflight_messages 0\n\(getuid() == 0 ? "user root\n" : "")"
        .write(toFile: "\(work)/mosquitto.conf", atomically: true, encoding: .utf8)
    let broker = try start("/usr/sbin/mosquitto", ["-c", "\(work)/mosquitto.conf"], log: "\(work)/broker.log")
    defer { stop(broker) }
    usleep(300_000)

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
    try await Task.sleep(for: .seconds(2))
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

let binDirectory = ProcessInfo.processInfo.environment["VIGIL_BIN_DIR"] ?? ".build/release"
let work = NSTemporaryDirectory() + "vigil-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

// First, what this machine can do at all: the references the figures below are ratios to.
let limits = MachineLimits.measure(work: work)

let servers = try (0..<4).map { _ in try BenchModbusPeer(input: batteryImage()) }
for server in servers { server.start() }
let raw = try rawModbusRate(port: servers[0].port, seconds: 3)
let collector = try await collectorRate(
    binDirectory: binDirectory, work: work, modbusPorts: servers.map(\.port), devicesPerPort: 8, seconds: 5)

func format(_ value: Double) -> String { String(format: "%.0f", value) }
print("benchmark                                             value     ratio")
print("raw libmodbus 118-register reads/s, one connection (ref)  \(format(raw))")
print(
    "collector battery readings/s to the broker, 4 buses       \(format(collector.readingsPerSecond))     "
        + "\(String(format: "%.2f", collector.readingsPerSecond / raw))× raw")
print(
    "collector CPU per reading (µs)                            "
        + String(format: "%.1f", collector.cpuPerReading * 1e6))

let readings = try RecorderBench.payloads(count: 60_000, assets: 32)
let rawInsert = try RecorderBench.rawInsertRate(readings, path: "\(work)/raw-insert.db")
let recorder = try await RecorderBench.recorderRate(readings, binDirectory: binDirectory, work: work, name: "big")
print("raw batched SQLite inserts of battery readings/s (ref)    \(format(rawInsert))")
print(
    "recorder battery readings/s, broker → SQLite, acks on      \(format(recorder.readingsPerSecond))     "
        + "\(String(format: "%.2f", recorder.readingsPerSecond / rawInsert))× raw insert")
print(
    "recorder CPU per battery reading (µs)                     "
        + String(format: "%.1f", recorder.cpuPerReading * 1e6))
let smallReadings = try RecorderBench.payloads(count: 100_000, assets: 32, small: true)
let rawSmall = try RecorderBench.rawInsertRate(smallReadings, path: "\(work)/raw-insert-small.db")
let recorderSmall = try await RecorderBench.recorderRate(
    smallReadings, binDirectory: binDirectory, work: work, name: "small")
print("raw batched SQLite inserts of pump readings/s (ref)       \(format(rawSmall))")
print(
    "recorder pump readings/s, broker → SQLite, acks on         \(format(recorderSmall.readingsPerSecond))     "
        + "\(String(format: "%.2f", recorderSmall.readingsPerSecond / rawSmall))× raw insert")
print(
    "recorder CPU per pump reading (µs)                        "
        + String(format: "%.1f", recorderSmall.cpuPerReading * 1e6))
// The evaluator process over the broker: 81 strings (the 1,944-jar site) a few hundred readings each.
let evaluatorFeed = try RecorderBench.payloads(count: 81 * 300, assets: 81)
let evaluatorProcess = try await EvaluatorBench.evaluatorCost(evaluatorFeed, binDirectory: binDirectory, work: work)
let processJarsPerSecond = 24 / evaluatorProcess.cpuPerReading
print(
    "evaluator process CPU per battery reading, over MQTT (µs)  "
        + String(format: "%.1f", evaluatorProcess.cpuPerReading * 1e6))
print(
    "evaluator process jar readings per CPU-second (goal 50,000) \(format(processJarsPerSecond))     "
        + "\(String(format: "%.2f", processJarsPerSecond / 50_000))× goal")
print(
    "evaluator process at 1,944 jars, 1 Hz: share of one core    "
        + String(format: "%.2f", 81 * evaluatorProcess.cpuPerReading * 100) + " %     "
        + String(format: "%.2f", 81 * evaluatorProcess.cpuPerReading * 100 / 5) + "× the 5 % goal")
print(
    "evaluator process resident memory, 81 strings (MB)         "
        + String(format: "%.1f", Double(evaluatorProcess.residentKB) / 1024))
// The alerter: in-process on one core against decoding alone, and as a process over the broker.
let alerterFeed = try AlerterBench.payloads(count: 81 * 1000, assets: 81)
let alerterBook = try AlerterBench.bookRate(alerterFeed)
print(
    "alerter: evaluations decoded and applied/s, one core (goal 50,000) \(format(alerterBook.perSecond))     "
        + "\(String(format: "%.2f", alerterBook.perSecond / 50_000))× goal, "
        + "\(String(format: "%.2f", alerterBook.perSecond / alerterBook.decodeOnly))× decode alone")
let alerterProcess = try await AlerterBench.processCost(
    Array(alerterFeed.prefix(81 * 300)), binDirectory: binDirectory, work: work)
print(
    "alerter process evaluations per CPU-second, over MQTT      \(format(1 / alerterProcess.cpuPerEvaluation))     "
        + "\(String(format: "%.2f", 1 / alerterProcess.cpuPerEvaluation / 50_000))× goal")
print(
    "alerter process resident memory (MB)                       "
        + String(format: "%.1f", Double(alerterProcess.residentKB) / 1024))
func ratio(_ value: Double, _ reference: Double?) -> String {
    reference.map { String(format: "%.2f", value / $0) + "×" } ?? "n/a"
}
if let qos1 = limits.qos1 {
    print("raw libmosquitto QoS 1 msg/s, 200 B, 1 pub → broker → 1 sub (ref)  \(format(qos1))")
    print("raw libmosquitto QoS 0 msg/s (ref)                          \(limits.qos0.map(format) ?? "n/a")")
    print(
        "raw QoS 1 one-way latency at 2,000 msg/s p50 / p99 (µs, ref) \(limits.latencyP50.map(format) ?? "n/a") / "
            + (limits.latencyP99.map(format) ?? "n/a"))
    print("raw SQLite batched inserts with an index, rows/s (ref)      \(limits.sqliteRows.map(format) ?? "n/a")")
    print("collector readings/s as a share of raw QoS 1                \(ratio(collector.readingsPerSecond, qos1))")
    print(
        "recorder pump readings/s as a share of raw QoS 1             \(ratio(recorderSmall.readingsPerSecond, qos1))")
    print("recorder battery readings/s as a share of raw QoS 1          \(ratio(recorder.readingsPerSecond, qos1))")
}
var results: [String: Any] = [
    "raw_mqtt_qos1_msg_per_s": limits.qos1 ?? 0, "raw_mqtt_qos0_msg_per_s": limits.qos0 ?? 0,
    "raw_mqtt_qos1_latency_p99_us": limits.latencyP99 ?? 0, "raw_sqlite_indexed_rows_per_s": limits.sqliteRows ?? 0,
    "alerter_evaluations_per_s": alerterBook.perSecond, "alerter_decode_only_per_s": alerterBook.decodeOnly,
    "alerter_process_evaluations_per_cpu_s": 1 / alerterProcess.cpuPerEvaluation,
    "alerter_process_resident_mb": Double(alerterProcess.residentKB) / 1024,
    "evaluator_process_cpu_us_per_reading": evaluatorProcess.cpuPerReading * 1e6,
    "evaluator_process_jar_readings_per_cpu_s": processJarsPerSecond,
    "evaluator_process_resident_mb": Double(evaluatorProcess.residentKB) / 1024,
    "raw_modbus_reads_per_s": raw, "collector_readings_per_s": collector.readingsPerSecond,
    "ratio_to_raw": collector.readingsPerSecond / raw, "collector_cpu_us_per_reading": collector.cpuPerReading * 1e6,
    "raw_sqlite_inserts_per_s": rawInsert, "recorder_readings_per_s": recorder.readingsPerSecond,
    "recorder_ratio_to_raw_insert": recorder.readingsPerSecond / rawInsert,
    "recorder_cpu_us_per_reading": recorder.cpuPerReading * 1e6, "raw_sqlite_small_inserts_per_s": rawSmall,
    "recorder_small_readings_per_s": recorderSmall.readingsPerSecond,
    "recorder_small_ratio_to_raw_insert": recorderSmall.readingsPerSecond / rawSmall,
    "recorder_small_cpu_us_per_reading": recorderSmall.cpuPerReading * 1e6,
]
for server in servers { server.stop() }
// The outboxes and databases of one run take about a gigabyte.
try? FileManager.default.removeItem(atPath: work)

// Micro: one battery reading to JSON, the generic way and the collector's direct way; and the
// evaluator's cost per reading.
var evaluatorJarsPerSecond = 0.0
var evaluatorSiteCorePercent = 0.0
do {
    var jars: [[String: Double]] = []
    for _ in 0..<24 { jars.append(["voltage_v": 13.5, "temperature_c": 27.0, "resistance_mohm": 3.95]) }
    let site = try TopicLevel("bench")
    let asset = try TopicLevel("str-1")
    let source = "modbus-tcp://127.0.0.1:502/unit/1"
    let reading = Reading(
        site: site, asset: asset, kind: .vrlaString, seq: 1, ts: .now(), source: source,
        values: .init(
            scalars: ["string_voltage_v": 324.0, "string_current_a": 0.12, "ambient_temperature_c": 26.4], jars: jars))
    let maps = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/maps").path
    let decoder = RegisterDecoder(map: try RegisterMap.load(path: "\(maps)/battery-monitor.yaml"))
    let envelope = Reading.Envelope(site: site, asset: asset, kind: .vrlaString, source: source)
    let registers = [batteryImage()]
    func time(_ body: () -> Int) -> Double {
        let start = Date()
        var bytes = 0
        for _ in 0..<5000 { bytes += body() }
        precondition(bytes > 0)
        return Date().timeIntervalSince(start) / 5000 * 1e6
    }
    let generic = time { PayloadCodec.encode(reading).count }
    let direct = time { decoder.encodedReading(envelope: envelope, seq: 1, ts: .now(), registers: registers)!.count }
    // The evaluator's work per battery reading on one core, without MQTT: decode, judge (limits,
    // the string model), encode the evaluation. Decoding alone is the reference any consumer pays.
    let payload = PayloadCodec.encode(reading)
    let evaluator = Evaluator()
    // With everything it keeps per asset: the jars' baselines learned, the twin stepping once a
    // second of reading time, as on a site.
    var state = EvaluatorState()
    var second: Int64 = 0
    func judge() -> Int {
        guard var decoded = try? PayloadCodec.decode(Reading.self, from: payload) else { return 0 }
        second += 1
        decoded.ts = decoded.ts.adding(milliseconds: second * 1000)
        guard case .evaluated(let evaluation) = evaluator.evaluate(decoded, state: &state) else { return 0 }
        return PayloadCodec.encode(evaluation).count
    }
    for _ in 0..<100 { _ = judge() }
    let decodeOnly = time { (try? PayloadCodec.decode(Reading.self, from: payload))?.values.jars.count ?? 0 }
    let judged = time(judge)
    evaluatorJarsPerSecond = 24 / (judged / 1e6)
    // The site of the footprint goal: 81 strings of 24 jars at 1 Hz.
    let siteCore = 81 * judged / 1e6 * 100
    evaluatorSiteCorePercent = siteCore
    print(
        "evaluator: battery reading decoded, judged, encoded  \(String(format: "%.1f", judged)) µs     "
            + "\(String(format: "%.2f", judged / decodeOnly))× decode alone")
    print(
        "evaluator: jar readings/s on one core (goal 50,000)  \(format(evaluatorJarsPerSecond))     "
            + "\(String(format: "%.2f", evaluatorJarsPerSecond / 50_000))× goal")
    print(
        "evaluator: 1,944 jars at 1 Hz, share of one core  \(String(format: "%.2f", siteCore)) %     "
            + "\(String(format: "%.2f", siteCore / 5))× the 5 % goal")
    print("battery reading to JSON, generic encoder       \(String(format: "%.1f", generic)) µs")
    print(
        "battery reading to JSON, registers direct      \(String(format: "%.1f", direct)) µs     "
            + "\(String(format: "%.2f", direct / generic))× generic")
}

results["evaluator_jar_readings_per_s"] = evaluatorJarsPerSecond
results["evaluator_site_core_percent"] = evaluatorSiteCorePercent
let json = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys, .prettyPrinted])
try FileManager.default.createDirectory(atPath: "Benchmarks", withIntermediateDirectories: true)
try json.write(to: URL(fileURLWithPath: "Benchmarks/results.json"))
