import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilStore
import VigilTestSupport

/// The promise of the outbox and the acknowledgements: every reading the collector takes is stored
/// exactly once, whatever is killed or restarted on the way.
@Suite(.serialized)
struct NothingLostTests {
    static let collectorConfig =
        "collector:\n  interval_ms: 50\n  outbox:\n    ack_timeout_s: 2\n    resend_per_s: 5000\n"

    /// The numbers the collector has committed per asset, read from its outbox file.
    static func committed(_ harness: SiteHarness, outbox: String = "collector/collector.db") throws -> [String: Int64] {
        let database = try Database(path: "\(harness.directory)/\(outbox)", readOnly: true)
        defer { database.close() }
        var last: [String: Int64] = [:]
        for row in try database.query("SELECT asset, last FROM sequences") {
            if case .text(let asset) = row[0], case .integer(let seq) = row[1] { last[asset] = seq }
        }
        return last
    }

    /// Waits until the history holds every reading 1…last of every asset the collector had
    /// committed when this was called; returns what is still missing, per asset.
    static func missing(_ harness: SiteHarness, within limit: Duration) async throws -> [String: String] {
        try await settle(harness, within: limit).missing
    }

    /// The same, with the committed numbers it waited for.
    static func settle(_ harness: SiteHarness, within limit: Duration) async throws -> (
        expected: [String: Int64], missing: [String: String]
    ) {
        let expected = try committed(harness)
        #expect(!expected.isEmpty, "the collector committed nothing")
        var missing: [String: String] = [:]
        let deadline = ContinuousClock.now + limit
        repeat {
            missing = [:]
            let database = try Database(path: "\(harness.directory)/recorder/history.db", readOnly: true)
            for (asset, last) in expected {
                let row = try database.query(
                    "SELECT count(*), min(seq), max(seq) FROM telemetry WHERE asset = ? AND seq <= ?", .text(asset),
                    .integer(last)
                ).first
                if row != [.integer(last), .integer(1), .integer(last)] {
                    missing[asset] = "expected 1…\(last), stored (count, min, max) \(row ?? [])"
                }
            }
            database.close()
            if missing.isEmpty { return (expected, [:]) }
            try await Task.sleep(for: .milliseconds(250))
        } while ContinuousClock.now < deadline
        return (expected, missing)
    }

    @Test(.timeLimit(.minutes(2)))
    func aRecorderKilledMidBatchStoresEveryReadingExactlyOnce() async throws {
        let broker = try Broker(extraConfig: ["max_queued_messages 100000"])
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-kill-recorder", port: broker.port)
        var recorder = try harness.start("recorder")
        let collector = try harness.start("collector", config: Self.collectorConfig)
        defer {
            recorder.stop()
            collector.stop()
        }
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(1500))
            recorder.signal(SIGKILL)
            _ = await recorder.waitForExit(within: .seconds(2))
            try await Task.sleep(for: .milliseconds(500))
            recorder = try harness.start("recorder")
        }
        try await Task.sleep(for: .seconds(1))
        let missing = try await Self.missing(harness, within: .seconds(30))
        #expect(missing.isEmpty, "\(missing)\nrecorder:\n\(recorder.log)\ncollector:\n\(collector.log)")
        #expect(collector.isRunning)
        // Each kill lost rollups held in memory; the restarts rolled those readings up again.
        collector.signal(SIGTERM)
        _ = await collector.waitForExit(within: .seconds(3))
        try await Task.sleep(for: .milliseconds(500))
        recorder.signal(SIGTERM)
        #expect(await recorder.waitForExit(within: .seconds(3)) == 0)
        try Self.expectExactRollups(harness)
    }

    /// Every metric's hourly and daily rollups count each good reading of its asset once.
    static func expectExactRollups(_ harness: SiteHarness) throws {
        let database = try Database(path: "\(harness.directory)/recorder/history.db", readOnly: true)
        defer { database.close() }
        var good: [String: Int64] = [:]
        for row in try database.query("SELECT asset, payload FROM telemetry") {
            guard case .text(let asset) = row[0], case .text(let payload) = row[1] else { continue }
            let reading = try PayloadCodec.decode(Reading.self, from: Array(payload.utf8))
            if reading.quality == .good { good[asset, default: 0] += 1 }
        }
        #expect(!good.isEmpty)
        for period in ["hour", "day"] {
            var counted: [String: Set<Int64>] = [:]
            for row in try database.query(
                "SELECT asset, metric, sum(count) FROM rollups WHERE period = ? GROUP BY asset, metric", .text(period))
            {
                guard case .text(let asset) = row[0], case .integer(let count) = row[2] else { continue }
                counted[asset, default: []].insert(count)
            }
            for (asset, readings) in good {
                #expect(counted[asset] == [readings], "\(period) rollups of \(asset): \(counted[asset] ?? [])")
            }
        }
        let pending = try database.query("SELECT count(*) FROM rollup_pending").first
        #expect(pending == [.integer(0)], "a clean stop writes every rollup")
    }

    @Test(.timeLimit(.minutes(2)))
    func aBrokerAwayForTenSecondsLosesNothing() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-broker-away", port: broker.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let recorder = try harness.start("recorder")
        let collector = try harness.start("collector", config: Self.collectorConfig)
        defer {
            recorder.stop()
            collector.stop()
        }
        try await Task.sleep(for: .seconds(2))
        // The test broker keeps nothing on disk: every queued message dies with it, so only the
        // collector's outbox can bring those readings back.
        broker.stop()
        try await Task.sleep(for: .seconds(10))
        try broker.restart()
        let historical = await messages.first(within: .seconds(20)) { message in
            message.topic.hasPrefix("vigil/e2e-broker-away/telemetry/")
                && (try? PayloadCodec.decode(Reading.self, from: message.payload))?.historical == true
        }
        #expect(historical != nil, "the outbox sent nothing again after the outage:\n\(collector.log)")
        let missing = try await Self.missing(harness, within: .seconds(40))
        #expect(missing.isEmpty, "\(missing)\nrecorder:\n\(recorder.log)\ncollector:\n\(collector.log)")
    }

    @Test(.timeLimit(.minutes(2)))
    func aCollectorKilledMidRunContinuesItsNumbersWithoutARepeatOrAHole() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-kill-collector", port: broker.port)
        let recorder = try harness.start("recorder")
        var collector = try harness.start("collector", config: Self.collectorConfig)
        defer {
            recorder.stop()
            collector.stop()
        }
        var before: [String: Int64] = [:]
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(1500))
            collector.signal(SIGKILL)
            _ = await collector.waitForExit(within: .seconds(2))
            before = try Self.committed(harness)
            collector = try harness.start("collector", config: Self.collectorConfig)
        }
        try await Task.sleep(for: .seconds(1))
        let after = try Self.committed(harness)
        for (asset, last) in before { #expect(after[asset, default: 0] > last, "\(asset) stopped counting") }
        let missing = try await Self.missing(harness, within: .seconds(30))
        #expect(missing.isEmpty, "\(missing)\nrecorder:\n\(recorder.log)\ncollector:\n\(collector.log)")
        // Each (asset, seq) holds one reading, and the readings of one asset follow each other in time:
        // a number handed out twice would show up as a reading older than the one before it.
        let database = try Database(path: "\(harness.directory)/recorder/history.db", readOnly: true)
        defer { database.close() }
        let disorder = try database.query(
            """
            SELECT count(*) FROM (SELECT ts_ms, lag(ts_ms) OVER (PARTITION BY asset ORDER BY seq) AS previous
            FROM telemetry) WHERE ts_ms < previous
            """)
        #expect(disorder.first?.first == .integer(0))
    }

    /// A tiny tmpfs for the recorder's state: mounting needs root (CAP_SYS_ADMIN), which the CI and
    /// development machines have.
    static var canMount: Bool { getuid() == 0 }

    @Test(.timeLimit(.minutes(2)), .enabled(if: canMount, "mounting a tmpfs needs root"))
    func aFullDiskStopsAcknowledgementsAndNothingIsLostWhenSpaceReturns() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-disk-full", port: broker.port)
        let mountPoint = "\(harness.directory)/recorder"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]) == 0)
        defer { _ = run("/bin/umount", ["-l", mountPoint]) }
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let recorder = try harness.start("recorder")
        let collector = try harness.start("collector", config: Self.collectorConfig)
        defer {
            recorder.stop()
            collector.stop()
        }
        // About 400 KB of readings a second: the megabyte is full within seconds.
        let full = await messages.first(within: .seconds(30)) { message in
            message.topic == "vigil/e2e-disk-full/status/recorder"
                && SiteHarness.status(message)?.counters["disk_full"] == 1
        }
        #expect(full != nil, "the recorder never reported a full disk:\n\(recorder.log)")
        try await Task.sleep(for: .seconds(3))
        #expect(recorder.isRunning, "the recorder died on a full disk:\n\(recorder.log)")
        let waiting = await messages.first(within: .seconds(5)) { message in
            message.topic == "vigil/e2e-disk-full/status/collector"
                && SiteHarness.status(message)?.counters["outbox_entries", default: 0] ?? 0 > 100
        }
        #expect(waiting != nil, "the collector's outbox did not keep the unacknowledged readings")

        #expect(run("/bin/mount", ["-o", "remount,size=64m", mountPoint]) == 0)
        let missing = try await Self.missing(harness, within: .seconds(60))
        #expect(missing.isEmpty, "\(missing)\nrecorder:\n\(recorder.log)")
        let recovered = await messages.first(within: .seconds(10)) { message in
            message.topic == "vigil/e2e-disk-full/status/recorder"
                && SiteHarness.status(message)?.counters["disk_full"] == 0
        }
        #expect(recovered != nil)
    }

    private func run(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
