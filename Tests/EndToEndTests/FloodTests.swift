import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilStore
import VigilTestSupport

/// A recorder catching up on a backlog (after an outage, its session's queue arrives at full
/// speed) must not hold that backlog in memory: the broker keeps it.
@Suite(.serialized)
struct FloodTests {
    static func residentMegabytes(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }

    @Test(.timeLimit(.minutes(3)))
    func aFloodOfReadingsKeepsTheRecordersMemoryBoundedAndLosesNothing() async throws {
        let broker = try Broker(extraConfig: ["max_queued_messages 1000000"])
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-flood", port: broker.port)
        // A first run leaves the recorder's persistent session on the broker; while it is away
        // the broker queues everything, and hands the whole backlog over when it comes back.
        let first = try harness.start("recorder", broker: ["max_undelivered: 500"])
        try await Task.sleep(for: .seconds(2))
        first.signal(SIGTERM)
        #expect(await first.waitForExit(within: .seconds(3)) == 0)
        var configuration = MQTTConfiguration(clientID: "e2e-flood-publisher")
        configuration.port = broker.port
        configuration.maxInflight = 1000
        let client = try MQTTClient(configuration: configuration)
        try await client.connect()
        defer { Task { await client.disconnect() } }
        try await Task.sleep(for: .seconds(1))

        var jars: [[String: Double]] = []
        for _ in 0..<24 { jars.append(["voltage_v": 13.5, "temperature_c": 27.0, "resistance_mohm": 3.95]) }
        let total = 60_000
        for index in 0..<total {
            let asset = try TopicLevel("str-\(index % 10)")
            let reading = Reading(
                site: try TopicLevel("e2e-flood"), asset: asset, kind: .vrlaString, seq: UInt64(index / 10 + 1),
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(index) * 100), source: "test",
                values: .init(scalars: ["string_voltage_v": 324], jars: jars), collector: try TopicLevel("flood"))
            try client.enqueue(
                MQTTMessage(topic: "vigil/e2e-flood/telemetry/\(asset)", payload: reading.encodedJSON()))
            if index % 2000 == 1999 { try await Task.sleep(for: .milliseconds(1)) }
        }

        try await Task.sleep(for: .seconds(1))
        let recorder = try harness.start("recorder", broker: ["max_undelivered: 500"])
        defer { recorder.stop() }
        var peak = 0
        var stored: SQLValue?
        let deadline = ContinuousClock.now + .seconds(150)
        while ContinuousClock.now < deadline {
            peak = max(peak, Self.residentMegabytes(recorder.pid))
            let database = try Database(path: "\(harness.directory)/recorder/history.db", readOnly: true)
            stored = try database.query("SELECT count(*) FROM telemetry").first?.first
            database.close()
            if stored == .integer(Int64(total)) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        print("flood: the recorder's resident memory peaked at \(peak) MB while catching up on \(total) readings")
        #expect(stored == .integer(Int64(total)), "\(recorder.log)")
        // 60,000 readings of 2.3 KB are 140 MB of JSON; without the bound the recorder holds a large
        // part of them (about 90 MB at 30,000), with it about a batch or two.
        #expect(peak > 0 && peak < 80, "the recorder's resident memory peaked at \(peak) MB")
    }
}
