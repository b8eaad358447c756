import Foundation
import Glibc
import Testing
import VigilTestSupport

/// Subscriptions are QoS 1 only where the broker keeps a session: the recorder's, which holds the
/// readings published while it restarts. The agents without one take QoS 0, which saves a PUBACK
/// per message and loses nothing QoS 1 would have kept. Read from the broker's own log.
@Suite(.serialized)
struct SubscriptionQoSTests {
    /// `<client id> <qos> <filter>` lines the broker logged for `filter`.
    static func grants(_ log: String, filter: String) -> [(client: String, qos: Int)] {
        log.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count >= 4, words.last.map(String.init) == filter, let qos = Int(words[words.count - 2])
            else { return nil }
            return (String(words[words.count - 3]), qos)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func onlyTheRecordersSessionTakesQoS1() async throws {
        let broker = try Broker(extraConfig: ["log_type subscribe"])
        defer { broker.stop() }
        let site = "e2e-subqos"
        let harness = SiteHarness(site: site, port: broker.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let recorder = try harness.start("recorder")
        defer { recorder.stop() }
        let evaluator = try harness.start("evaluator")
        defer { evaluator.stop() }
        let alerter = try harness.start("alerter")
        defer { alerter.stop() }
        for agent in ["recorder", "evaluator", "alerter"] {
            let online = await messages.first(within: .seconds(10)) { harness.isStatus($0, agent, .online) }
            #expect(online != nil, "\(agent) not online")
        }

        let telemetry = Self.grants(broker.logText, filter: "vigil/\(site)/telemetry/+")
        #expect(telemetry.count == 2, "\(broker.logText)")
        #expect(telemetry.contains { $0.client.contains("recorder") && $0.qos == 1 }, "\(telemetry)")
        #expect(telemetry.contains { $0.client.contains("evaluator") && $0.qos == 0 }, "\(telemetry)")
        let evaluations = Self.grants(broker.logText, filter: "vigil/\(site)/evaluation/+")
        #expect(evaluations.contains { $0.client.contains("recorder") && $0.qos == 1 }, "\(evaluations)")
        #expect(evaluations.contains { $0.client.contains("alerter") && $0.qos == 0 }, "\(evaluations)")
    }
}
