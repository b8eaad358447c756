import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// The collector's simulator commands and ground truth, and replay of recorded files.
@Suite(.broker, .serialized)
struct CollectorSourcesTests {
    func harness(_ site: String) -> SiteHarness { SiteHarness(site: site, port: Broker.current!.port) }

    static let sharedDatasets: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/shared/datasets"
    }()

    struct Truth: Decodable {
        var scenarios: [String]
        var timeToFailure: Double?
        var failureCriterion: String?

        enum CodingKeys: String, CodingKey {
            case scenarios
            case timeToFailure = "time_to_failure_s"
            case failureCriterion = "failure_criterion"
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func faultsInjectedByCommandShowInTheGroundTruth() async throws {
        let harness = harness("e2e-scenario")
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let collector = try harness.start(
            "collector", config: "collector:\n  interval_ms: 100\n  simulator: {speed: 100, truth_interval_s: 1}\n")
        defer { collector.stop() }
        let truthTopic = "vigil/e2e-scenario/simulation/pump-1"
        let initial = await messages.first(within: .seconds(10)) { $0.topic == truthTopic }
        let before = try #require(initial.flatMap { try? JSONDecoder().decode(Truth.self, from: Data($0.payload)) })
        #expect(before.scenarios.isEmpty)

        let command = "vigil/e2e-scenario/command/simulator"
        try await client.publish(
            MQTTMessage(topic: command, payload: Array(#"{"asset":"pump-1","scenario":"bearing_wear","days":2}"#.utf8)))
        let started = await messages.first(within: .seconds(10)) {
            $0.topic == truthTopic
                && (try? JSONDecoder().decode(Truth.self, from: Data($0.payload)))?.scenarios == ["bearing_wear"]
        }
        let truth = try #require(started.flatMap { try? JSONDecoder().decode(Truth.self, from: Data($0.payload)) })
        #expect((truth.timeToFailure ?? .infinity) <= 2 * 86_400)
        #expect(truth.failureCriterion?.hasPrefix("vibration") == true)

        // A bad command is refused with the reason and counted; the collector keeps going.
        try await client.publish(
            MQTTMessage(topic: command, payload: Array(#"{"asset":"pump-1","scenario":"gremlins"}"#.utf8)))
        let refused = await messages.first(within: .seconds(5)) {
            $0.topic == "vigil/e2e-scenario/status/collector"
                && (SiteHarness.status($0)?.counters["rejected"] ?? 0) >= 1
        }
        #expect(refused != nil)
        #expect(collector.log.contains("'scenario': expected one of"), "\(collector.log)")
        #expect(collector.isRunning)
    }

    @Test(.timeLimit(.minutes(2)))
    func replaysNASAsTurbofanFleetAsFastAsItCan() async throws {
        let path = "\(Self.sharedDatasets)/cmapss/train_FD001.txt"
        try #require(FileManager.default.fileExists(atPath: path), "the C-MAPSS data set is not at \(path)")
        let harness = harness("e2e-cmapss")
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let collector = try harness.start(
            "collector",
            config: """
                collector:
                  source: replay
                  replay: {format: cmapss, path: \(path), rate: max, start: "2026-01-01T00:00:00Z"}
                """)
        defer { collector.stop() }
        let finished = await messages.first(within: .seconds(90)) {
            $0.topic == "vigil/e2e-cmapss/status/collector" && SiteHarness.status($0)?.counters["replay_finished"] == 1
        }
        let status = try #require(finished.flatMap(SiteHarness.status), "\(collector.log)")
        #expect(status.counters["readings"] == 20_631)
        #expect(status.counters["replay_refused"] == nil)
        // The outbox publishes after it commits, so the last readings may follow the status.
        let engineTopic = "vigil/e2e-cmapss/telemetry/engine-001"
        _ = await messages.wait(for: .seconds(10)) { $0.filter { $0.topic == engineTopic }.count >= 192 }
        try await Task.sleep(for: .milliseconds(300))
        let engine1 = messages.all.filter { $0.topic == engineTopic }
        #expect(engine1.count == 192)
        let first = try #require(engine1.first.flatMap { try? PayloadCodec.decode(Reading.self, from: $0.payload) })
        #expect(first.kind.rawValue == "turbofan")
        #expect(first.ts == Timestamp(rfc3339: "2026-01-01T01:00:00Z"))
        #expect(first.values.scalars["cycle"] == 1)
        #expect(first.values.scalars["sensor_02"] == 641.82)
    }

    @Test(.timeLimit(.minutes(1)))
    func replaysACSVAndCountsTheRowsItRefuses() async throws {
        let harness = harness("e2e-csv")
        let csv = "\(harness.directory)/room.csv"
        try """
        time,temp,humidity
        2026-11-29T04:00:00Z,24.5,55
        2026-11-29T04:00:01Z,oops,55
        2026-11-29T04:00:02Z,24.7,56
        """.write(toFile: csv, atomically: true, encoding: .utf8)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let collector = try harness.start(
            "collector",
            config: """
                collector:
                  source: replay
                  replay: {path: \(csv), asset: room-1, timestamp_column: time, columns: {temp: temperature_c}, rate: x100}
                """)
        defer { collector.stop() }
        let finished = await messages.first(within: .seconds(20)) {
            $0.topic == "vigil/e2e-csv/status/collector" && SiteHarness.status($0)?.counters["replay_finished"] == 1
        }
        let status = try #require(finished.flatMap(SiteHarness.status), "\(collector.log)")
        #expect(status.counters["readings"] == 2)
        #expect(status.counters["replay_refused"] == 1)
        #expect(collector.log.contains("room.csv:3"), "\(collector.log)")
        let readings = messages.all.filter { $0.topic == "vigil/e2e-csv/telemetry/room-1" }
            .compactMap { try? PayloadCodec.decode(Reading.self, from: $0.payload) }
        #expect(readings.map { $0.values.scalars["temperature_c"] } == [24.5, 24.7])
        #expect(readings.allSatisfy { $0.values.scalars["humidity"] == nil })
    }

    @Test(.timeLimit(.minutes(1)))
    func aFileThatCannotBeReplayedStopsTheCollectorAtStart() async throws {
        let harness = harness("e2e-nofile")
        let collector = try harness.start(
            "collector", config: "collector:\n  source: replay\n  replay: {path: /nonexistent.csv, asset: a}\n")
        #expect(await collector.waitForExit(within: .seconds(5)) == 78)
        #expect(collector.log.contains("/nonexistent.csv"), "\(collector.log)")
    }
}
