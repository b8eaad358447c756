import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// An agent that starts while the broker is down runs on the last remote configuration it applied,
/// not on its file: a gateway rebooting after a power cut must not forget what the operator set.
@Suite(.serialized)
struct LastGoodConfigTests {
    @Test(.timeLimit(.minutes(2)))
    func anAgentStartedWithoutABrokerUsesItsLastGoodConfiguration() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-lastgood", port: broker.port)
        let (client, messages) = try await harness.watcher()
        var evaluator = try harness.start("evaluator")
        defer { evaluator.stop() }
        let good = #"{"revision": 7, "limits": {"pump": {"vibration_mm_s": {"warn_high": 1.0, "crit_high": 9.0}}}}"#
        try await client.publish(
            MQTTMessage(topic: "vigil/e2e-lastgood/config/evaluator", payload: Array(good.utf8), retain: true))
        let applied = await messages.first(within: .seconds(10)) {
            harness.isStatus($0, "evaluator", .online) && SiteHarness.status($0)?.configRevision == 7
        }
        try #require(applied != nil, "\(evaluator.log)")
        await client.disconnect()

        // Power cut: the broker comes back empty (no persistence), after the evaluator has started.
        evaluator.signal(SIGKILL)
        _ = await evaluator.waitForExit(within: .seconds(2))
        broker.stop()
        evaluator = try harness.start("evaluator")
        try await Task.sleep(for: .seconds(1))
        try broker.restart()
        let (watcher, watched) = try await harness.watcher()
        defer { Task { await watcher.disconnect() } }
        let online = await watched.first(within: .seconds(20)) { harness.isStatus($0, "evaluator", .online) }
        #expect(online.flatMap { SiteHarness.status($0) }?.configRevision == 7, "\(evaluator.log)")
        // And it judges by it: 2 mm/s is over the remote 1.0, not the file's limit.
        let reading =
            #"{"v":1,"site":"e2e-lastgood","asset":"pump-1","kind":"pump","seq":1,"ts":"2026-11-29T04:00:00.000Z","source":"test","values":{"vibration_mm_s":2.0}}"#
        try await watcher.publish(
            MQTTMessage(topic: "vigil/e2e-lastgood/telemetry/pump-1", payload: Array(reading.utf8)))
        let evaluation = await watched.first(within: .seconds(10)) {
            $0.topic == "vigil/e2e-lastgood/evaluation/pump-1"
        }
        let findings = evaluation.flatMap { try? PayloadCodec.decode(Evaluation.self, from: $0.payload) }?.findings
        #expect(findings?.map(\.code.rawValue) == ["vibration_high"])
    }
}
