import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilStore
import VigilTestSupport

/// The whole site on the production broker configuration: each agent logs in as its own user,
/// with the password `vigil-broker-users` wrote for it, under the shipped ACL. Anything an agent
/// does that the ACL does not grant would be missing here: readings, alarms, acknowledgements.
@Suite(.serialized)
struct SecuredSiteTests {
    @Test(.timeLimit(.minutes(2)))
    func theSiteRunsWithEachAgentUnderItsOwnUserAndTheShippedACL() async throws {
        let production = try Broker.production()
        let harness = SiteHarness(site: "e2e-secure", port: production.broker.port)
        var watcher = MQTTConfiguration(clientID: "e2e-secure-viewer")
        watcher.port = production.broker.port
        watcher.username = "viewer"
        watcher.password = try production.password("viewer")
        let client = try MQTTClient(configuration: watcher)
        let messages = StreamRecorder(client.messages)
        try await client.connect()
        try await client.subscribe("vigil/e2e-secure/#")
        defer { Task { await client.disconnect() } }
        func start(_ agent: String, _ config: String = "") throws -> AgentProcess {
            try harness.start(
                agent, config: config,
                broker: ["username: \(agent)", "password_file: \(production.passwordFile(agent))"])
        }
        let agents = [
            try start("recorder"), try start("alerter"), try start("evaluator"),
            try start("collector", "collector:\n  interval_ms: 200\n  simulator:\n    speed: 10\n"),
        ]
        defer {
            for agent in agents { agent.stop() }
        }
        for agent in agents {
            let online = await messages.first(within: .seconds(20)) { harness.isStatus($0, agent.name, .online) }
            #expect(online != nil, "\(agent.name) is not online:\n\(agent.log)")
        }
        // Jar 7 crosses the resistance limit after about 25 simulated seconds: 2.5 s at 10×.
        let raised = await messages.first(within: .seconds(30)) { message in
            guard message.topic == "vigil/e2e-secure/alert-events",
                let event = try? PayloadCodec.decode(AlertEvent.self, from: message.payload)
            else { return false }
            return event.alert.code.rawValue == "jar_resistance_high"
        }
        #expect(raised != nil, "no alarm under the ACL; alerter log:\n\(agents[1].log)")
        // The recorder stores and acknowledges: the collector's readings all reach the history.
        let missing = try await NothingLostTests.missing(harness, within: .seconds(30))
        #expect(missing.isEmpty, "\(missing)")
        #expect(messages.all.contains { $0.topic == "vigil/e2e-secure/ack/collector" })
        // An operator's command reaches the alerter and its answer comes back.
        var operatorConfiguration = MQTTConfiguration(clientID: "e2e-secure-operator")
        operatorConfiguration.port = production.broker.port
        operatorConfiguration.username = "operator"
        operatorConfiguration.password = try production.password("operator")
        let operatorClient = try MQTTClient(configuration: operatorConfiguration)
        try await operatorClient.connect()
        try await operatorClient.publish(
            MQTTMessage(
                topic: "vigil/e2e-secure/command/alert/ups1-str01/jar_resistance_high/ack",
                payload: Array(#"{"user":"ana"}"#.utf8)))
        let reply = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/e2e-secure/reply/alert/ups1-str01/jar_resistance_high/ack"
        }
        #expect(reply.flatMap { try? PayloadCodec.decode(AlertCommandReply.self, from: $0.payload) }?.ok == true)
        await operatorClient.disconnect()
        // Nothing any agent published was refused (an ACL gap shows as `publish_refused` and a log line).
        try await Task.sleep(for: .milliseconds(1500))
        for agent in agents {
            let status = messages.all.last { $0.topic == "vigil/e2e-secure/status/\(agent.name)" }
                .flatMap { SiteHarness.status($0) }
            #expect(status?.counters["publish_refused"] == 0, "\(agent.name) had publishes refused:\n\(agent.log)")
        }
    }
}
