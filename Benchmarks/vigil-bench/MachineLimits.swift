import Foundation

/// The machine's own limits, measured in the same run by `../shared/bench/limits/limits.sh`
/// (raw libmosquitto publish → broker → subscribe, raw SQLite inserts), so Vigil's figures can be
/// read as ratios to what this machine can do at all.
struct MachineLimits {
    /// `test=NAME key=value …` lines, by test name.
    var tests: [String: [String: String]] = [:]

    /// Runs the script next to the repository (`../shared`), or gives nothing when it is absent.
    static func measure(work: String) -> MachineLimits {
        let script = FileManager.default.currentDirectoryPath + "/../shared/bench/limits/limits.sh"
        guard FileManager.default.fileExists(atPath: script) else {
            print("machine limits: \(script) not found; no raw MQTT or SQLite reference this run")
            return MachineLimits()
        }
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
            return MachineLimits()
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var limits = MachineLimits()
        for line in output.split(separator: "\n") where line.hasPrefix("test=") {
            var fields: [String: String] = [:]
            for pair in line.split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            if let name = fields["test"] { limits.tests[name] = fields }
        }
        return limits
    }

    func value(_ test: String, _ key: String) -> Double? { tests[test]?[key].flatMap(Double.init) }

    var qos1: Double? { value("mq_q1_1pub", "msg_s") }
    var qos0: Double? { value("mq_q0_1pub", "msg_s") }
    var latencyP99: Double? { value("lat_q1", "p99_us") }
    var latencyP50: Double? { value("lat_q1", "p50_us") }
    var sqliteRows: Double? { value("sql_batch_idx", "rows_s") }
}
