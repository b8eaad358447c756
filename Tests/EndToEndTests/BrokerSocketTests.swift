import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// An agent on the broker's own machine may connect through the broker's Unix socket
/// (`broker.socket`) instead of loopback TCP, and then works as it does over TCP.
@Suite(.serialized)
struct BrokerSocketTests {
    @Test(.timeLimit(.minutes(1)))
    func anAgentJudgesReadingsThroughTheBrokersSocket() async throws {
        let path = "/tmp/vigil-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        defer { unlink(path) }
        let broker = try Broker(extraConfig: ["listener 0 \(path)"])
        let site = "e2e-socket"
        let harness = SiteHarness(site: site, port: broker.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        // The flag wins over the harness's port, and nothing listens there: only the socket works.
        let evaluator = try harness.start(
            "evaluator", broker: ["socket: \(path)"], arguments: ["--broker-port", String(try Broker.freePort())])
        defer { evaluator.stop() }
        let online = await messages.first(within: .seconds(10)) { harness.isStatus($0, "evaluator", .online) }
        #expect(online != nil, "\(evaluator.log)\n\(broker.logText)")
        #expect(evaluator.log.contains("broker \(path)"), "\(evaluator.log)")

        let reading = Reading(
            site: try TopicLevel(site), asset: try TopicLevel("pump-1"), kind: .pump, seq: 1,
            ts: Timestamp.now(), source: "test",
            values: .init(scalars: ["flow_lps": 41.2, "vibration_mm_s": 1.9, "motor_temperature_c": 48.1]))
        try await client.publish(
            MQTTMessage(topic: "vigil/\(site)/telemetry/pump-1", payload: reading.encodedJSON(), qos: .atLeastOnce))
        let evaluation = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/evaluation/pump-1"
        }
        #expect(evaluation != nil, "\(evaluator.log)")
    }
}
