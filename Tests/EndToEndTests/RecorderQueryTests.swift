import Foundation
import Glibc
import Testing
import VigilStore
import VigilTestSupport

/// `vigil-recorder query` against a history the real agents wrote.
@Suite(.serialized)
struct RecorderQueryTests {
    func query(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(AgentProcess.binDirectory)/vigil-recorder")
        process.arguments = ["query"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.timeLimit(.minutes(1)))
    func printsRawValuesAndRollupsAsCSVAndJSON() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-query", port: broker.port)
        let recorder = try harness.start("recorder")
        let collector = try harness.start("collector", config: "collector:\n  interval_ms: 100\n")
        try await Task.sleep(for: .seconds(3))
        collector.signal(SIGTERM)
        _ = await collector.waitForExit(within: .seconds(3))
        try await Task.sleep(for: .milliseconds(500))
        recorder.signal(SIGTERM)
        #expect(await recorder.waitForExit(within: .seconds(3)) == 0)
        let path = "\(harness.directory)/recorder/history.db"
        let database = try Database(path: path, readOnly: true)
        let stored = try database.query("SELECT count(*) FROM telemetry WHERE asset = 'ups1-str01'").first?.first
        database.close()
        guard case .integer(let readings)? = stored, readings > 0 else {
            Issue.record("nothing stored: \(recorder.log)")
            return
        }

        let raw = try query(["ups1-str01", "--metric", "jar07.voltage_v", "--database", path])
        #expect(raw.status == 0)
        let lines = raw.output.split(separator: "\n")
        #expect(lines.first == "ts,asset,seq,quality,metric,value")
        #expect(lines.count == Int(readings) + 1, "one line per stored reading")
        #expect(lines.dropFirst().allSatisfy { $0.contains(",jar07.voltage_v,13.") })

        let hourly = try query(["ups1-str01", "--rollup", "hour", "--format", "json", "--database", path])
        #expect(hourly.status == 0)
        let jar = hourly.output.split(separator: "\n").filter { $0.contains(#""metric":"jar07.voltage_v""#) }
        #expect(!jar.isEmpty)
        let counts = jar.compactMap { line -> Int? in
            guard let range = line.range(of: #""count":"#) else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(counts.reduce(0, +) == Int(readings), "the hourly rollups count every good reading once")

        #expect(try query(["no-such-asset", "--database", path]).status == 1)
        #expect(try query(["ups1-str01", "--rollup", "week", "--database", path]).status == 64)
        #expect(try query(["ups1-str01", "--from", "yesterday", "--database", path]).status == 64)
        #expect(try query(["ups1-str01", "--database", "\(harness.directory)/missing.db"]).status == 66)
    }
}
