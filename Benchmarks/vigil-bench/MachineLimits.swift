import Foundation

/// The machine's own limits, measured in the same run by `../shared/bench/limits/limits.sh`
/// (raw libmosquitto publish → broker → subscribe, raw SQLite inserts), so Vigil's figures can be
/// read as ratios to what this machine can do at all.
struct MachineLimits {
    /// `test=NAME key=value …` lines, by test name, one per run of the script.
    var tests: [String: [[String: String]]] = [:]

    /// Runs the script next to the repository (`../shared`) `runs` times, or gives nothing when it
    /// is absent. More than once because a single run is as noisy as any other figure here: one
    /// raw QoS 1 run gave 9,176 msg/s where the three before and after gave 16,000–18,000, which
    /// alone would have turned the end-to-end goal from short to met.
    static func measure(work: String, runs: Int) -> MachineLimits {
        let script = FileManager.default.currentDirectoryPath + "/../shared/bench/limits/limits.sh"
        guard FileManager.default.fileExists(atPath: script) else {
            print("machine limits: \(script) not found; no raw MQTT or SQLite reference this run")
            return MachineLimits()
        }
        var limits = MachineLimits()
        for _ in 0..<runs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script, work + "/limits"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            do {
                try FileManager.default.createDirectory(atPath: work + "/limits", withIntermediateDirectories: true)
                try process.run()
            } catch {
                print("machine limits: cannot run \(script): \(error)")
                return limits
            }
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            for line in output.split(separator: "\n") where line.hasPrefix("test=") {
                let fields = Self.fields(line)
                if let name = fields["test"] { limits.tests[name, default: []].append(fields) }
            }
        }
        return limits
    }

    /// Every run's value of `key`, or nil when no run gave one.
    func value(_ test: String, _ key: String) -> Figure? {
        let runs = (tests[test] ?? []).compactMap { $0[key].flatMap(Double.init) }
        return runs.isEmpty ? nil : Figure(runs)
    }

    /// One more run of `sqlbench` as `limits.sh` runs it (batches of 1,000 rows, with the index),
    /// built by `measure` into `work`: a reference taken seconds from the figure it is compared
    /// with, where the limits part ran minutes before. Nil when `measure` found no script.
    static func sqliteRowsNow(work: String, rows: Int) -> Double? {
        let directory = work + "/limits"
        let binary = directory + "/sqlbench"
        guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
        let database = directory + "/paired.db"
        let removeDatabase = {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        }
        removeDatabase()
        defer { removeDatabase() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [database, String(rows), "1000", "1", "NORMAL"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output.split(separator: "\n").last.flatMap { Self.fields($0)["rows_s"] }.flatMap(Double.init)
    }

    /// The `key=value` pairs of one line of the limits programs' output.
    private static func fields(_ line: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in line.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    var qos1: Figure? { value("mq_q1_1pub", "msg_s") }
    var qos0: Figure? { value("mq_q0_1pub", "msg_s") }
    var latencyP99: Figure? { value("lat_q1", "p99_us") }
    var latencyP50: Figure? { value("lat_q1", "p50_us") }
    var sqliteRows: Figure? { value("sql_batch_idx", "rows_s") }
}
