import Foundation
import VigilCollector
import VigilDomain
import VigilEvaluator

// `make bench`: measures Vigil against references taken in the same run on the same machine,
// and reports ratios, because absolute figures on a shared 2-core machine mean little. Every
// figure is the median of several runs with their min and max; every goal says met or short.
//
// `vigil-bench --smoke` runs every part once at tiny sizes (`make test` does, so the command
// cannot rot) and writes its results beside its scratch files, not to Benchmarks/results.json.

let smoke = CommandLine.arguments.contains("--smoke")
/// `--only e2e,latency`: just those parts (limits, e2e, latency, footprint, micro, agents).
let only = CommandLine.arguments.firstIndex(of: "--only").flatMap {
    $0 + 1 < CommandLine.arguments.count
        ? Set(CommandLine.arguments[$0 + 1].split(separator: ",").map(String.init)) : nil
}
func wants(_ part: String) -> Bool { only?.contains(part) ?? true }
/// `--footprint-minutes 60`: measures the footprint for that long instead of 30 s, and reports
/// where each agent's memory ended as well: what an agent leaks shows only over hours.
let footprintMinutes = CommandLine.arguments.firstIndex(of: "--footprint-minutes").flatMap {
    $0 + 1 < CommandLine.arguments.count ? Int(CommandLine.arguments[$0 + 1]) : nil
}
let environment = ProcessInfo.processInfo.environment
let binDirectory = environment["VIGIL_BIN_DIR"] ?? ".build/release"
/// The agents measured for footprint and end to end: the shipped, statically linked ones when
/// `make bench` built them, else those beside the bench.
let agentDirectory = environment["VIGIL_AGENT_DIR"] ?? binDirectory
let repeats = smoke ? 1 : 3
let work = NSTemporaryDirectory() + "vigil-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
var report = Report()
print("vigil-bench\(smoke ? " --smoke (tiny sizes, one run each)" : ""): agents from \(agentDirectory)")

// 1. What this machine can do at all: the references the figures below are ratios to.
let limitsStart = MachineTime.now()
let limits = smoke || !wants("limits") ? MachineLimits() : MachineLimits.measure(work: work, runs: repeats)
let unixQoS1 = smoke || !wants("limits") ? nil : MachineLimits.measureUnixSocket(work: work, runs: repeats)
let limitsSteal = limits.qos1 == nil ? nil : MachineTime.now().stolenPercent(since: limitsStart)
report.section("The machine's limits (../shared/bench/limits, this run)")
report.reference("raw libmosquitto QoS 1 msg/s, 200 B, pub → broker → sub", limits.qos1, key: "limits.mq_q1_msg_s")
report.reference("raw libmosquitto QoS 0 msg/s", limits.qos0, key: "limits.mq_q0_msg_s")
report.reference("raw QoS 1 msg/s, through the broker's Unix socket", unixQoS1, key: "limits.mq_q1_unix_msg_s")
report.reference(
    "raw QoS 1 latency at 2,000 msg/s, p50 ms", limits.latencyP50?.map { $0 / 1000 }, key: "limits.mq_q1_p50_ms")
report.reference(
    "raw QoS 1 latency at 2,000 msg/s, p99 ms", limits.latencyP99?.map { $0 / 1000 }, key: "limits.mq_q1_p99_ms")
report.reference("raw SQLite batched inserts with an index, rows/s", limits.sqliteRows, key: "limits.sql_batch_rows_s")
report.steal(limitsSteal, key: "limits.steal_pct")

if wants("e2e") {
    // 2. The whole pipeline as fast as the collector can publish.
    var pipelineCPU: [String: [Double]] = [:]
    let pipelineStart = MachineTime.now()
    let pipeline = try await Figure.measure(repeats) {
        let outcome = try await PipelineBench.run(
            rows: smoke ? 2_000 : 60_000, agentDirectory: agentDirectory, work: work, name: "e2e-\(UUID().uuidString)")
        for (agent, cpu) in outcome.cpuPerReading { pipelineCPU[agent, default: []].append(cpu * 1e6) }
        return outcome.readingsPerSecond
    }
    let pipelineSteal = MachineTime.now().stolenPercent(since: pipelineStart)
    report.section("End to end: collector replay at max → evaluator, alerter → recorder commits, acks on")
    report.steal(pipelineSteal, key: "e2e.steal_pct")
    report.row("pump readings committed by the recorder /s", pipeline, key: "e2e.readings_per_s")
    if let qos1 = limits.qos1 {
        report.row(
            "  as a share of raw QoS 1", pipeline.map { $0 / qos1.median }, key: "e2e.ratio_to_q1", goal: .atLeast(0.6))
    }
    for agent in FootprintBench.agents {
        report.row(
            "  \(agent) CPU per reading, µs", Figure(pipelineCPU[agent] ?? []), key: "e2e.cpu_us_per_reading.\(agent)")
    }
    // The same with every agent on the broker's Unix socket (`broker.socket`), as a gateway that
    // runs its broker beside the agents may configure them.
    var socketCPU: [String: [Double]] = [:]
    let socketStart = MachineTime.now()
    let throughSocket = try await Figure.measure(repeats) {
        let outcome = try await PipelineBench.run(
            rows: smoke ? 2_000 : 60_000, agentDirectory: agentDirectory, work: work,
            name: "e2e-socket-\(UUID().uuidString)", throughSocket: true)
        for (agent, cpu) in outcome.cpuPerReading { socketCPU[agent, default: []].append(cpu * 1e6) }
        return outcome.readingsPerSecond
    }
    report.steal(MachineTime.now().stolenPercent(since: socketStart), key: "e2e.socket.steal_pct")
    report.row("the same, agents on the broker's Unix socket /s", throughSocket, key: "e2e.socket.readings_per_s")
    if let qos1 = limits.qos1 {
        report.row(
            "  as a share of raw QoS 1 (TCP)", throughSocket.map { $0 / qos1.median }, key: "e2e.socket.ratio_to_q1",
            goal: .atLeast(0.6))
    }
    if let unixQoS1 {
        report.row(
            "  as a share of raw QoS 1 over the same socket", throughSocket.map { $0 / unixQoS1.median },
            key: "e2e.socket.ratio_to_q1_unix")
    }
    for agent in FootprintBench.agents {
        report.row(
            "  \(agent) CPU per reading, µs", Figure(socketCPU[agent] ?? []),
            key: "e2e.socket.cpu_us_per_reading.\(agent)")
    }
}

if wants("latency") {
    // 3. Alarm latency at a steady 2,000 readings/s.
    var evaluationP50: [Double] = []
    var evaluationP99: [Double] = []
    var evaluationMax: [Double] = []
    var alertP50: [Double] = []
    var alertP99: [Double] = []
    var alertMax: [Double] = []
    var alarmShare: [Double] = []
    var probeP50: [Double] = []
    var probeP99: [Double] = []
    let latencyStart = MachineTime.now()
    // 25 s of faults, ten a second: 250 a run, so p99 is the 248th of 250, not the worst one.
    for run in 0..<repeats {
        let outcome = try await LatencyBench.run(
            seconds: smoke ? 1 : 25, warmUp: smoke ? 1 : 3, agentDirectory: agentDirectory, work: work,
            name: "latency-\(run)")
        evaluationP50.append(LatencyBench.percentile(outcome.evaluation, 0.5))
        evaluationP99.append(LatencyBench.percentile(outcome.evaluation, 0.99))
        evaluationMax.append(outcome.evaluation.max() ?? .nan)
        alertP50.append(LatencyBench.percentile(outcome.alert, 0.5))
        alertP99.append(LatencyBench.percentile(outcome.alert, 0.99))
        alertMax.append(outcome.alert.max() ?? .nan)
        alarmShare.append(Double(outcome.alert.count) / Double(max(1, outcome.faults)))
        probeP50.append(LatencyBench.percentile(outcome.probe, 0.5))
        probeP99.append(LatencyBench.percentile(outcome.probe, 0.99))
    }
    let latencySteal = MachineTime.now().stolenPercent(since: latencyStart)
    report.section("Alarm latency at 2,000 pump readings/s, a fault every 100 ms (ms)")
    report.steal(latencySteal, key: "latency.steal_pct")
    // The platform's own share of the figures below: one raw broker hop, in the same seconds.
    report.row("raw QoS 1 hop in the same runs (ref), p50", Figure(probeP50), key: "latency.raw_hop_p50_ms")
    report.row("raw QoS 1 hop in the same runs (ref), p99", Figure(probeP99), key: "latency.raw_hop_p99_ms")
    report.row("reading publish → evaluation arrives, p50", Figure(evaluationP50), key: "latency.evaluation_p50_ms")
    report.row("reading publish → evaluation arrives, p99", Figure(evaluationP99), key: "latency.evaluation_p99_ms")
    report.row("reading publish → evaluation arrives, max", Figure(evaluationMax), key: "latency.evaluation_max_ms")
    report.row("fault's first reading → alarm arrives, p50", Figure(alertP50), key: "latency.alert_p50_ms")
    report.row(
        "fault's first reading → alarm arrives, p99", Figure(alertP99), key: "latency.alert_p99_ms", goal: .atMost(5))
    report.row("fault's first reading → alarm arrives, max", Figure(alertMax), key: "latency.alert_max_ms")
    report.row(
        "faults that raised their alarm (share)", Figure(alarmShare), key: "latency.alarm_share", goal: .atLeast(1))
}

if wants("footprint") {
    // 4. Footprint at a large data centre's load.
    // Past the first minute: the once-a-minute work (rollups, baselines) has run, and its code is
    // resident again after the agents released their start-up code (at 15 s).
    let footprint = try await FootprintBench.run(
        warmUp: smoke ? 1 : 75, windows: smoke ? 1 : (footprintMinutes.map { $0 * 6 } ?? 3), window: smoke ? 1 : 10,
        agentDirectory: agentDirectory, work: work)
    report.section("Footprint: 81 strings (1,944 jars), 2 chillers, 4 pumps at 1 Hz, all four agents")
    for agent in FootprintBench.agents {
        report.row(
            "\(agent) resident memory, MB", Figure(footprint.residentMB[agent] ?? []), key: "footprint.rss_mb.\(agent)",
            goal: .atMost(16))
    }
    for agent in FootprintBench.agents {
        report.row(
            "\(agent) CPU, % of one core", Figure(footprint.cpuPercent[agent] ?? []), key: "footprint.cpu_pct.\(agent)",
            goal: agent == "evaluator" ? .atMost(5) : nil)
    }
    for agent in FootprintBench.agents {
        report.row(
            "\(agent) peak resident memory (VmHWM), MB", Figure([footprint.peakMB[agent] ?? .nan]),
            key: "footprint.peak_mb.\(agent)")
    }
    if let minutes = footprintMinutes {
        for agent in FootprintBench.agents {
            report.row(
                "\(agent) resident memory in the last of \(minutes) minutes, MB",
                Figure(Array((footprint.residentMB[agent] ?? []).suffix(60))),
                key: "footprint.rss_mb_last_minute.\(agent)")
        }
    }
    report.row(
        "readings committed /s (the site sends 87)", Figure([footprint.readingsPerSecond]),
        key: "footprint.readings_per_s")
}

if wants("micro") {
    // 5. Hot paths, in process and agent by agent.
    report.section("Hot paths")
    let codec = try await Figure.measure(repeats) { try Micro.codecRoundTrips(count: smoke ? 2_000 : 50_000) }
    report.row("battery reading JSON encode + decode, msgs/s, one core", codec, key: "micro.codec_msgs_per_s")
    let pumpCodec = try await Figure.measure(repeats) {
        try Micro.codecRoundTrips(count: smoke ? 2_000 : 50_000, small: true)
    }
    report.row("pump reading JSON encode + decode, msgs/s, one core", pumpCodec, key: "micro.codec_pump_msgs_per_s")
    let evaluatorJars = try await Figure.measure(repeats) {
        try Micro.evaluatorJarReadings(count: smoke ? 500 : 20_000)
    }
    report.row(
        "evaluator jar readings/s, decode + judge + encode, one core", evaluatorJars,
        key: "micro.evaluator_jar_readings_per_s", goal: .atLeast(50_000))
    let alerterFeed = try AlerterBench.payloads(count: smoke ? 81 * 20 : 81 * 1000, assets: 81)
    var decodeOnly: [Double] = []
    let alerterBook = try await Figure.measure(repeats) {
        let rate = try AlerterBench.bookRate(alerterFeed)
        decodeOnly.append(rate.decodeOnly)
        return rate.perSecond
    }
    report.row(
        "alerter evaluations decoded and applied /s, one core", alerterBook, key: "micro.alerter_evals_per_s",
        goal: .atLeast(50_000))
    report.row("  decoding them alone /s (ref)", Figure(decodeOnly), key: "micro.alerter_decode_only_per_s")
    let smallReadings = try RecorderBench.payloads(count: smoke ? 2_000 : 100_000, assets: 32, small: true)
    // Each run beside a run of `sqlbench` of its own: the limits part's reference is minutes old
    // by now, and on this machine that alone moved the ratio from 0.53 to 0.48 between two runs
    // of the same recorder.
    var pairedSQLite: [Double] = []
    var pairedRatios: [Double] = []
    let recorderStore = try await Figure.measure(repeats) {
        let rate = try await RecorderBench.storeRate(smallReadings, path: "\(work)/store-\(UUID().uuidString).db")
        if let reference = MachineLimits.sqliteRowsNow(work: work, rows: smoke ? 50_000 : 500_000) {
            pairedSQLite.append(reference)
            pairedRatios.append(rate / reference)
        }
        return rate
    }
    report.row(
        "recorder pump readings decoded + stored /s, in process, one core", recorderStore,
        key: "micro.recorder_store_per_s")
    if !pairedRatios.isEmpty {
        report.row(
            "  raw sqlbench rows/s, run right after each (ref)", Figure(pairedSQLite), key: "micro.sqlbench_paired")
        report.row(
            "  as a share of that, run by run", Figure(pairedRatios), key: "micro.recorder_ratio_to_sqlbench",
            goal: .atLeast(0.5))
    }
    if let rows = limits.sqliteRows {
        report.row(
            "  as a share of the limits part's sqlbench", recorderStore.map { $0 / rows.median },
            key: "micro.recorder_ratio_to_limits_sqlbench")
    }
    let recorderSmall = try await Figure.measure(repeats) {
        try await RecorderBench.recorderRate(
            smallReadings, binDirectory: agentDirectory, work: work, name: "small-\(UUID().uuidString)"
        ).readingsPerSecond
    }
    report.row(
        "recorder process, pump readings over MQTT → SQLite /s", recorderSmall, key: "micro.recorder_readings_per_s")
    if let rows = limits.sqliteRows {
        report.row(
            "  as a share of raw sqlbench rows/s", recorderSmall.map { $0 / rows.median },
            key: "micro.recorder_process_ratio_to_sqlbench")
    }
    if let qos1 = limits.qos1 {
        report.row(
            "  as a share of raw QoS 1", recorderSmall.map { $0 / qos1.median }, key: "micro.recorder_ratio_to_q1")
    }
}

if wants("agents") {
    // 6. The collector on Modbus, and the agents one at a time over the broker.
    report.section("Agents one at a time")
    let servers = try (0..<4).map { _ in try BenchModbusPeer(input: batteryImage()) }
    for server in servers { server.start() }
    let rawModbus = try rawModbusRate(port: servers[0].port, seconds: smoke ? 0.5 : 3)
    report.reference(
        "raw libmodbus 118-register reads/s, one connection", Figure([rawModbus]), key: "agents.raw_modbus_reads_per_s")
    var collectorCPU: [Double] = []
    let collector = try await Figure.measure(repeats) {
        let outcome = try await collectorRate(
            binDirectory: agentDirectory, work: work, modbusPorts: servers.map(\.port), devicesPerPort: 8,
            seconds: smoke ? 1 : 5)
        collectorCPU.append(outcome.cpuPerReading * 1e6)
        return outcome.readingsPerSecond
    }
    for server in servers { server.stop() }
    report.row(
        "collector battery readings/s from 32 Modbus units on 4 buses", collector,
        key: "agents.collector_readings_per_s")
    report.row(
        "  as a share of raw libmodbus reads", collector.map { $0 / rawModbus }, key: "agents.collector_ratio_to_modbus"
    )
    report.row("  collector CPU per reading, µs", Figure(collectorCPU), key: "agents.collector_cpu_us_per_reading")
    let batteryReadings = try RecorderBench.payloads(count: smoke ? 1_000 : 60_000, assets: 32)
    let rawInsert = try await Figure.measure(repeats) {
        try RecorderBench.rawInsertRate(batteryReadings, path: "\(work)/raw-insert-\(UUID().uuidString).db")
    }
    report.row(
        "raw batched SQLite inserts of battery readings/s (ref)", rawInsert, key: "agents.raw_battery_inserts_per_s")
    let recorderBattery = try await Figure.measure(repeats) {
        try await RecorderBench.recorderRate(
            batteryReadings, binDirectory: agentDirectory, work: work, name: "big-\(UUID().uuidString)"
        ).readingsPerSecond
    }
    report.row("recorder battery readings/s over MQTT → SQLite", recorderBattery, key: "agents.recorder_battery_per_s")
    report.row(
        "  as a share of the raw insert loop", Figure([recorderBattery.median / rawInsert.median]),
        key: "agents.recorder_battery_ratio_to_raw_insert")
    let evaluatorFeed = try RecorderBench.payloads(count: smoke ? 81 * 10 : 81 * 300, assets: 81)
    var evaluatorRSS: [Double] = []
    let evaluatorProcess = try await Figure.measure(repeats) {
        let cost = try await EvaluatorBench.evaluatorCost(evaluatorFeed, binDirectory: agentDirectory, work: work)
        evaluatorRSS.append(Double(cost.residentKB) / 1024)
        return 24 / cost.cpuPerReading
    }
    report.row(
        "evaluator process jar readings per CPU-second, over MQTT", evaluatorProcess,
        key: "agents.evaluator_jar_readings_per_cpu_s", goal: .atLeast(50_000))
    report.row("  its resident memory after 81 strings, MB", Figure(evaluatorRSS), key: "agents.evaluator_rss_mb")
    let alerterProcess = try await Figure.measure(repeats) {
        1
            / (try await AlerterBench.processCost(
                try AlerterBench.payloads(count: smoke ? 81 * 10 : 81 * 300, assets: 81), binDirectory: agentDirectory,
                work: work))
            .cpuPerEvaluation
    }
    report.row(
        "alerter process evaluations per CPU-second, over MQTT", alerterProcess,
        key: "agents.alerter_evals_per_cpu_s")
}

report.summary()
// The outboxes and databases of one run take about a gigabyte.
try? FileManager.default.removeItem(atPath: work)
let output = smoke ? NSTemporaryDirectory() + "vigil-bench-smoke.json" : "Benchmarks/results.json"
try FileManager.default.createDirectory(
    atPath: (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
try report.write(to: output)
print("results: \(output)")
