import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// The jars' resistance baselines outlive the evaluator: a restart must not relearn an aged jar's
/// resistance as its baseline.
@Suite(.broker, .serialized)
struct BaselineTests {
    func reading(_ site: String, seq: UInt64, jar7: Double) throws -> [UInt8] {
        var jars = (0..<24).map { _ in ["voltage_v": 13.5, "temperature_c": 25.5, "resistance_mohm": 4.0] }
        jars[6]["resistance_mohm"] = jar7
        return Reading(
            site: try TopicLevel(site), asset: try TopicLevel("str-1"), kind: .vrlaString, seq: seq,
            ts: .now(), source: "test",
            values: .init(
                scalars: ["string_voltage_v": 324, "string_current_a": 0.1, "ambient_temperature_c": 25], jars: jars)
        ).encodedJSON()
    }

    @Test(.timeLimit(.minutes(1)))
    func baselinesSurviveARestart() async throws {
        let site = "e2e-baseline"
        let harness = SiteHarness(site: site, port: Broker.current!.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let first = try harness.start("evaluator")
        defer { first.stop() }
        #expect(await messages.first(within: .seconds(10)) { harness.isStatus($0, "evaluator", .online) } != nil)
        try await Task.sleep(for: .milliseconds(300))
        let topic = "vigil/\(site)/telemetry/str-1"
        for seq in 1...UInt64(30) {
            try await client.publish(MQTTMessage(topic: topic, payload: try reading(site, seq: seq, jar7: 4.0)))
        }
        let learned = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/status/evaluator" && (SiteHarness.status($0)?.counters["evaluated"] ?? 0) >= 30
        }
        #expect(learned != nil, "\(first.log)")
        first.signal(SIGTERM)
        #expect(await first.waitForExit(within: .seconds(2)) == 0, "\(first.log)")
        let file = "\(harness.directory)/evaluator/evaluator-baselines.json"
        #expect(FileManager.default.fileExists(atPath: file), "no baselines kept at \(file)")

        let before = messages.all.count
        let second = try harness.start("evaluator")
        defer { second.stop() }
        let online = await messages.wait(for: .seconds(10)) {
            $0.dropFirst(before).contains { harness.isStatus($0, "evaluator", .online) }
        }
        #expect(online.dropFirst(before).contains { harness.isStatus($0, "evaluator", .online) })
        try await Task.sleep(for: .milliseconds(300))
        try await client.publish(MQTTMessage(topic: topic, payload: try reading(site, seq: 31, jar7: 5.2)))
        let flagged = await messages.wait(for: .seconds(10)) { all in
            all.dropFirst(before).contains { message in
                message.topic == "vigil/\(site)/evaluation/str-1"
                    && ((try? PayloadCodec.decode(Evaluation.self, from: message.payload))?.findings.contains {
                        $0.code.rawValue == "jar_resistance_rise" && $0.jar == 7
                    } ?? false)
            }
        }
        #expect(
            flagged.dropFirst(before).contains { $0.topic == "vigil/\(site)/evaluation/str-1" },
            "no evaluation after the restart:\n\(second.log)")
        #expect(
            flagged.dropFirst(before).contains { message in
                (try? PayloadCodec.decode(Evaluation.self, from: message.payload))?.findings.contains {
                    $0.code.rawValue == "jar_resistance_rise"
                } ?? false
            }, "the restarted evaluator forgot jar 7's baseline:\n\(second.log)")
    }
}
