import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// Two evaluators share a site with `--partition`: every asset is judged by exactly one of them.
@Suite(.broker, .serialized)
struct PartitionTests {
    @Test(.timeLimit(.minutes(1)))
    func twoEvaluatorsSplitTheAssetsWithoutOverlap() async throws {
        let site = "e2e-partition"
        let harness = SiteHarness(site: site, port: Broker.current!.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        // One by flag, one by configuration: both ways must mean the same split.
        let first = try harness.start(
            "evaluator", config: "agent_id: evaluator-a\n", instance: "evaluator-a", arguments: ["--partition", "0/2"])
        defer { first.stop() }
        let second = try harness.start(
            "evaluator", config: "agent_id: evaluator-b\nevaluator:\n  partition: 1/2\n", instance: "evaluator-b")
        defer { second.stop() }
        for agent in ["evaluator-a", "evaluator-b"] {
            #expect(
                await messages.first(within: .seconds(10)) { harness.isStatus($0, agent, .online) } != nil,
                "\(agent) did not come online:\n\(first.log)\n\(second.log)")
        }
        try await Task.sleep(for: .milliseconds(300))
        let assets = (1...12).map { "meter-\($0)" }
        for (index, asset) in assets.enumerated() {
            let reading = Reading(
                site: try TopicLevel(site), asset: try TopicLevel(asset), kind: .generic, seq: UInt64(index + 1),
                ts: .now(), source: "test", values: .init(scalars: ["temperature_c": 21]))
            try await client.publish(
                MQTTMessage(topic: "vigil/\(site)/telemetry/\(asset)", payload: reading.encodedJSON()))
        }
        func counters(_ agent: String, _ all: [MQTTMessage]) -> [String: Int] {
            guard let message = all.last(where: { $0.topic == "vigil/\(site)/status/\(agent)" }),
                let status = SiteHarness.status(message)
            else { return [:] }
            return status.counters
        }
        let settled = await messages.wait(for: .seconds(10)) { all in
            (counters("evaluator-a", all)["evaluated"] ?? 0) + (counters("evaluator-b", all)["evaluated"] ?? 0) >= 12
        }
        let a = counters("evaluator-a", settled)
        let b = counters("evaluator-b", settled)
        #expect((a["evaluated"] ?? 0) + (b["evaluated"] ?? 0) == 12, "a \(a), b \(b)")
        #expect((a["other_partition"] ?? 0) + (b["other_partition"] ?? 0) == 12, "a \(a), b \(b)")
        #expect((a["evaluated"] ?? 0) > 0 && (b["evaluated"] ?? 0) > 0, "one instance got every asset: a \(a), b \(b)")
        let evaluated = Set(
            settled.filter { $0.topic.hasPrefix("vigil/\(site)/evaluation/") }.map {
                $0.topic.split(separator: "/").last!
            })
        #expect(evaluated == Set(assets.map { Substring($0) }))
    }
}
