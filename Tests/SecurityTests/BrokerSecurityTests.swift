import Foundation
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// The production broker configuration, run for real: who may connect, who may write where, and
/// TLS with the site CA.
@Suite(.serialized)
struct BrokerSecurityTests {
    static func client(
        _ production: Broker.Production, user: String?, password: String? = nil, tls: MQTTTLS? = nil,
        connectTimeout: Duration = .seconds(10), id: String = UUID().uuidString
    ) throws -> MQTTClient {
        var configuration = MQTTConfiguration(clientID: "security-\(id.prefix(8))")
        configuration.port = tls == nil ? production.broker.port : production.tlsPort
        configuration.username = user
        configuration.password = try password ?? user.map { try production.password($0) }
        configuration.tls = tls
        configuration.reconnectDelayMax = 1
        configuration.connectTimeout = connectTimeout
        return try MQTTClient(configuration: configuration)
    }

    @Test(.timeLimit(.minutes(1)))
    func anonymousAndWrongPasswordsAreRefused() async throws {
        let production = try Broker.production()
        let anonymous = try Self.client(production, user: nil)
        await #expect(throws: MQTTError.self) { try await anonymous.connect() }
        await anonymous.disconnect()
        let wrong = try Self.client(production, user: "operator", password: "guess")
        let error = await #expect(throws: MQTTError.self) { try await wrong.connect() }
        #expect([0x86, 0x87].contains(error?.code ?? -1), "\(String(describing: error))")
        await wrong.disconnect()
        for user in ["collector", "evaluator", "alerter", "recorder", "operator", "viewer"] {
            let right = try Self.client(production, user: user)
            try await right.connect()
            #expect(right.isConnected, "\(user)")
            await right.disconnect()
        }
    }

    /// What the ACL refuses never reaches anyone, and an MQTT 5 client is told so: PUBACK reason
    /// 0x87, not authorized.
    @Test(.timeLimit(.minutes(1)))
    func eachUserWritesOnlyItsOwnTopics() async throws {
        let production = try Broker.production()
        let watcher = try Self.client(production, user: "operator")
        let seen = StreamRecorder(watcher.messages)
        try await watcher.connect()
        try await watcher.subscribe("vigil/#")
        defer { Task { await watcher.disconnect() } }
        let attempts: [(user: String, topic: String, allowed: Bool)] = [
            ("collector", "vigil/site/telemetry/ups1-str01", true),
            ("collector", "vigil/site/alert/ups1-str01/jar_voltage_low", false),
            ("collector", "vigil/site/status/evaluator", false),
            ("collector", "vigil/site/config/collector", false),
            ("evaluator", "vigil/site/evaluation/ups1-str01", true),
            ("evaluator", "vigil/site/telemetry/ups1-str01", false),
            ("alerter", "vigil/site/alert/ups1-str01/jar_voltage_low", true),
            ("alerter", "vigil/site/command/alert/ups1-str01/jar_voltage_low/ack", false),
            ("recorder", "vigil/site/ack/collector", true),
            ("recorder", "vigil/site/evaluation/ups1-str01", false),
            ("viewer", "vigil/site/config/evaluator", false),
            ("viewer", "vigil/site/command/alert/ups1-str01/jar_voltage_low/ack", false),
            ("operator", "vigil/site/config/evaluator", true),
            ("operator", "vigil/site/command/alert/ups1-str01/jar_voltage_low/ack", true),
            ("operator", "vigil/site/telemetry/ups1-str01", false),
        ]
        for (index, attempt) in attempts.enumerated() {
            let client = try Self.client(production, user: attempt.user)
            try await client.connect()
            var refusal: Int32?
            do {
                try await client.publish(
                    MQTTMessage(topic: attempt.topic, payload: Array("attempt \(index)".utf8), qos: .atLeastOnce))
            } catch {
                refusal = error.code
            }
            #expect(refusal == (attempt.allowed ? nil : 0x87), "\(attempt.user) → \(attempt.topic)")
            await client.disconnect()
        }
        // The last allowed publish arriving means every earlier one had its chance.
        _ = await seen.wait(for: .seconds(5)) { messages in
            messages.contains { String(decoding: $0.payload, as: UTF8.self) == "attempt 13" }
        }
        try await Task.sleep(for: .milliseconds(300))
        let arrived = Set(seen.all.map { String(decoding: $0.payload, as: UTF8.self) })
        for (index, attempt) in attempts.enumerated() {
            #expect(
                arrived.contains("attempt \(index)") == attempt.allowed,
                "\(attempt.user) → \(attempt.topic): expected \(attempt.allowed ? "delivered" : "refused")")
        }
        // The viewer reads everything and writes nothing.
        let viewer = try Self.client(production, user: "viewer")
        let viewed = StreamRecorder(viewer.messages)
        try await viewer.connect()
        try await viewer.subscribe("vigil/#")
        let collector = try Self.client(production, user: "collector")
        try await collector.connect()
        try await collector.publish(MQTTMessage(topic: "vigil/site/telemetry/pump-1", payload: Array("seen".utf8)))
        #expect(await viewed.first(within: .seconds(5)) { $0.topic == "vigil/site/telemetry/pump-1" } != nil)
        await collector.disconnect()
        await viewer.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func tlsWithTheSiteCAWorksAndAnyOtherCAIsRefused() async throws {
        let production = try Broker.production()
        let good = try Self.client(production, user: "viewer", tls: MQTTTLS(caFile: "\(production.directory)/ca.crt"))
        try await good.connect()
        #expect(good.isConnected)
        await good.disconnect()
        // A CA of another site: the broker's certificate does not check out.
        let other = production.directory + "/other-site"
        let status = try Broker.run(
            Broker.repositoryRoot + "/broker-config/vigil-tls", ["--dir", other, "--name", "elsewhere"], log: nil)
        #expect(status == 0)
        let stranger = try Self.client(
            production, user: "viewer", tls: MQTTTLS(caFile: "\(other)/ca.crt"), connectTimeout: .seconds(3))
        await #expect(throws: MQTTError.self) { try await stranger.connect() }
        await stranger.disconnect()
        // Plain MQTT on the TLS port is not spoken.
        var plain = MQTTConfiguration(clientID: "security-plain")
        plain.port = production.tlsPort
        plain.username = "viewer"
        plain.password = try production.password("viewer")
        plain.connectTimeout = .seconds(3)
        let cleartext = try MQTTClient(configuration: plain)
        await #expect(throws: MQTTError.self) { try await cleartext.connect() }
        await cleartext.disconnect()
    }

    /// The bridge example is a configuration mosquitto accepts beside the production file, and the
    /// bridge connects to a central broker with the site's credentials and forwards what it says.
    @Test(.timeLimit(.minutes(1)))
    func theBridgeExampleForwardsTheSitesAlarmsToACentralBroker() async throws {
        let central = try Broker(users: ["site-bkk-dc1": "change-me"])
        defer { central.stop() }
        let production = try Broker.production()
        let example = try String(
            contentsOfFile: Broker.repositoryRoot + "/broker-config/bridge.conf.example", encoding: .utf8)
        let operatorPassword = try production.password("operator")
        var bridge: [String] = []
        for line in example.split(separator: "\n") where !line.hasPrefix("#") {
            var line = String(line)
            // The test's central broker speaks plain MQTT on loopback.
            if line.hasPrefix("address ") { line = "address 127.0.0.1:\(central.port)" }
            if line.hasPrefix("bridge_cafile") || line.hasPrefix("bridge_insecure") { continue }
            if line.hasPrefix("local_password ") { line = "local_password \(operatorPassword)" }
            bridge.append(line)
        }
        let config = try String(contentsOfFile: production.broker.configFile, encoding: .utf8)
        try (config + bridge.joined(separator: "\n") + "\n").write(
            toFile: production.broker.configFile, atomically: true, encoding: .utf8)
        try production.broker.restart()
        var centre = MQTTConfiguration(clientID: "security-centre")
        centre.port = central.port
        centre.username = "site-bkk-dc1"
        centre.password = "change-me"
        let watcher = try MQTTClient(configuration: centre)
        let seen = StreamRecorder(watcher.messages)
        try await watcher.connect()
        try await watcher.subscribe("vigil/#")
        defer { Task { await watcher.disconnect() } }
        let alerter = try Self.client(production, user: "alerter")
        try await alerter.connect()
        let collector = try Self.client(production, user: "collector")
        try await collector.connect()
        // The link comes up within the bridge's restart timeout; publish until it carries.
        var forwarded: MQTTMessage?
        for attempt in 0..<20 where forwarded == nil {
            try await alerter.publish(
                MQTTMessage(topic: "vigil/bkk-dc1/alert-events", payload: Array("event \(attempt)".utf8)))
            try await collector.publish(
                MQTTMessage(topic: "vigil/bkk-dc1/telemetry/ups1-str01", payload: Array("reading".utf8)))
            forwarded = await seen.first(within: .milliseconds(500)) { $0.topic == "vigil/bkk-dc1/alert-events" }
        }
        #expect(forwarded != nil, "nothing crossed the bridge:\n\(production.broker.logText)")
        #expect(!seen.all.contains { $0.topic.contains("/telemetry/") }, "telemetry stays on the gateway")
        await alerter.disconnect()
        await collector.disconnect()
    }
}
