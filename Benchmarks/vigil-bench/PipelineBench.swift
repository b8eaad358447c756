import Foundation
import VigilStore

/// The whole pipeline at full speed: the collector replays a pump's history as fast as it can
/// publish (`rate: max`, through its fsync'd outbox), the evaluator and alerter judge every
/// reading, and the recorder commits each one and acknowledges it back to the collector.
///
/// The figure is readings committed to the recorder's database per second, from its first
/// committed reading to its last: what a site's history can absorb, all four agents sharing the
/// machine with the broker.
enum PipelineBench {
    /// A pump's history in the simulator's metrics (about 330 bytes a reading on the wire), one
    /// reading a second of recorded time.
    static func csv(rows: Int, path: String) throws {
        var text = "ts,flow_lps,suction_pressure_kpa,discharge_pressure_kpa,power_kw,speed_rpm,"
        text += "motor_temperature_c,vibration_mm_s\n"
        for row in 0..<rows {
            let wobble = Double(row % 17) / 17
            text += "\(1_795_924_800 + row),\(41.2 + wobble),\(118.6 - wobble),\(341.5 + wobble),"
            text += "\(8.7 + wobble / 10),\(1467 + row % 3),\(48.1 + wobble),\(1.9 + wobble / 20)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    struct Outcome {
        var readingsPerSecond: Double
        /// CPU seconds per committed reading, by agent.
        var cpuPerReading: [String: Double]
    }

    static func run(
        rows: Int, agentDirectory: String, work: String, name: String, throughSocket: Bool = false
    ) async throws -> Outcome {
        let site = try BenchSite(work: work, agentDirectory: agentDirectory, name: name, throughSocket: throughSocket)
        defer { site.stopAll() }
        let common = "site: bench\nstatus_interval_s: 1\n"
        try site.launch("recorder", config: common + "recorder: {}\n")
        try site.launch("evaluator", config: common + "evaluator: {}\n")
        try site.launch("alerter", config: common + "alerter: {}\n")
        try await site.waitOnline(["recorder", "evaluator", "alerter"], site: "bench")
        let file = "\(site.work)/pump.csv"
        try csv(rows: rows, path: file)
        let agents = ["collector", "evaluator", "alerter", "recorder"]
        try site.launch(
            "collector",
            config: common + """
                collector:
                  source: replay
                  replay: {format: csv, path: \(file), asset: pump-1, kind: pump, rate: max}

                """)
        var before: [String: Double] = [:]
        let path = "\(site.work)/recorder/history.db"
        var first: (count: Int, at: Date)?
        var history: Database?
        defer { history?.close() }
        let deadline = Date().addingTimeInterval(300)
        while true {
            try await Task.sleep(for: .milliseconds(20))
            if history == nil, FileManager.default.fileExists(atPath: path) {
                history = try Database(path: path, readOnly: true)
            }
            // Until the recorder has created its tables the query fails; the deadline catches a recorder
            // that never does.
            guard let history, let count = try? watermark(history) else { continue }
            if first == nil, count > 0 {
                first = (count, Date())
                for agent in agents { before[agent] = cpuSeconds(site.pid(agent)) }
            }
            if count >= rows { break }
            if Date() > deadline { throw BenchError("\(name): \(count) of \(rows) readings committed after 300 s") }
        }
        let ended = Date()
        guard let first else { throw BenchError("\(name): nothing committed") }
        let readings = Double(rows - first.count)
        var cpu: [String: Double] = [:]
        for agent in agents { cpu[agent] = (cpuSeconds(site.pid(agent)) - (before[agent] ?? 0)) / readings }
        return Outcome(readingsPerSecond: readings / ended.timeIntervalSince(first.at), cpuPerReading: cpu)
    }

    /// The recorder's watermark for the pump: every reading up to it is committed. The replay numbers
    /// its readings 1, 2, 3…, so it is also the count, read from one row of the ledger instead of
    /// counting a growing table fifty times a second, which took 4–8 % of the machine from the
    /// agents being measured.
    static func watermark(_ history: Database) throws -> Int {
        try integer(history, "SELECT coalesce(max(committed), 0) FROM ledger")
    }

    /// Every stored reading of every asset: what the footprint part counts twice in a run.
    static func committed(_ path: String) throws -> Int {
        let database = try Database(path: path, readOnly: true)
        defer { database.close() }
        return try integer(database, "SELECT count(*) FROM telemetry")
    }

    /// The first column of the first row, or 0 when the query gives no integer.
    private static func integer(_ database: Database, _ sql: String) throws -> Int {
        guard case .integer(let value) = try database.query(sql).first?.first else { return 0 }
        return Int(value)
    }
}
