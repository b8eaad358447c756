import Testing
@_spi(Testing) import VigilMQTT
import VigilTestSupport

@Suite(.broker, .timeLimit(.minutes(1)))
struct LastWillTests {
    /// An agent-like client: retained "offline" as will, retained "online" as birth.
    private func agent(_ broker: Broker, status: String) throws -> MQTTClient {
        var settings = configuration(broker, id: clientID("agent"))
        settings.will = MQTTMessage(topic: status, payload: bytes("offline"), retain: true)
        let client = try MQTTClient(configuration: settings)
        client.setBirth(MQTTMessage(topic: status, payload: bytes("online"), retain: true))
        return client
    }

    @Test("the will is published when the network fails, and the birth again after the reconnect")
    func willOnNetworkFailure() async throws {
        let broker = try #require(Broker.current)
        let status = unique("status")
        let watcher = try await connectedClient(broker)
        let inbox = StreamRecorder(watcher.messages)
        try await watcher.subscribe(status)
        let client = try agent(broker, status: status)
        let events = StreamRecorder(client.events)
        try await client.connect()
        #expect(await inbox.first { $0.payload == bytes("online") } != nil)

        client.simulateNetworkFailure()

        let seen = await inbox.wait { $0.map(\.payload) == [bytes("online"), bytes("offline"), bytes("online")] }
        #expect(seen.map(\.payload) == [bytes("online"), bytes("offline"), bytes("online")])
        let changes = await events.wait { $0.count >= 3 }
        #expect(changes.count == 3)
        #expect(changes.first == .connected(sessionPresent: false))
        if changes.count == 3, case .disconnected = changes[1] {
        } else {
            Issue.record("expected a disconnected event between two connects, got \(changes)")
        }
        await client.disconnect()
        await watcher.disconnect()
    }

    @Test("the will is not published after a clean disconnect()")
    func noWillOnCleanDisconnect() async throws {
        let broker = try #require(Broker.current)
        let status = unique("status")
        let watcher = try await connectedClient(broker)
        let inbox = StreamRecorder(watcher.messages)
        try await watcher.subscribe(status)
        let client = try agent(broker, status: status)
        try await client.connect()
        #expect(await inbox.first { $0.payload == bytes("online") } != nil)

        await client.disconnect()

        let offline = await inbox.first(within: .seconds(1)) { $0.payload == bytes("offline") }
        #expect(offline == nil)
        let late = try await connectedClient(broker)
        let lateInbox = StreamRecorder(late.messages)
        try await late.subscribe(status)
        #expect(await lateInbox.first { $0.topic == status }?.payload == bytes("online"))
        await late.disconnect()
        await watcher.disconnect()
    }
}
