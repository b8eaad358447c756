import Glibc
import Testing
import VigilMQTT
import VigilTestSupport

/// Tests that need a broker of their own (restarted, stopped, or with passwords), or none at all.
@Suite(.timeLimit(.minutes(1)))
struct ConnectionTests {
    @Test("connect() to a port where nothing listens fails within connectTimeout, naming connect")
    func nothingListening() async throws {
        var settings = MQTTConfiguration(clientID: clientID("nobody"))
        settings.port = try Broker.freePort()
        settings.connectTimeout = .seconds(2)
        let client = try MQTTClient(configuration: settings)
        let started = ContinuousClock.now

        let error = await #expect(throws: MQTTError.self) {
            try await client.connect()
        }

        #expect(error?.operation == "connect")
        #expect(error?.code == ETIMEDOUT)
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(!client.isConnected)
        await client.disconnect()
    }

    @Test("waitUntilConnected() ends with an error when its task is cancelled")
    func cancelledWait() async throws {
        var settings = MQTTConfiguration(clientID: clientID("cancel"))
        settings.port = try Broker.freePort()
        let client = try MQTTClient(configuration: settings)
        let waiting = Task {
            try await client.waitUntilConnected(timeout: nil)
        }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        let result = await waiting.result
        #expect(throws: MQTTError.self) { try result.get() }
        await client.disconnect()
    }

    @Test("through the broker's Unix socket, with its passwords as over TCP and without TLS")
    func unixSocket() async throws {
        let path = "/tmp/vigil-mqtt-\(getpid())-\(clientID("s")).sock"
        defer { unlink(path) }
        let broker = try Broker(users: ["agent": "s3cret"], extraConfig: ["listener 0 \(path)"])
        var settings = configuration(broker, id: clientID("unix"))
        // Nothing listens on this port: only the socket can connect the client.
        settings.port = try Broker.freePort()
        settings.socketPath = path
        settings.username = "agent"
        settings.password = "guess"
        let refused = try MQTTClient(configuration: settings)
        let error = await #expect(throws: MQTTError.self) { try await refused.connect() }
        #expect(error?.message.lowercased().contains("autho") == true, "\(String(describing: error))")
        await refused.disconnect()

        settings.password = "s3cret"
        let client = try MQTTClient(configuration: settings)
        let messages = StreamRecorder(client.messages)
        try await client.connect()
        try await client.subscribe("unix/#")
        try await client.publish(MQTTMessage(topic: "unix/hello", payload: Array("over the socket".utf8)))
        let echoed = await messages.first(within: .seconds(5)) { $0.topic == "unix/hello" }
        #expect(echoed?.payload == Array("over the socket".utf8), "\(broker.logText)")
        await client.disconnect()

        settings.tls = MQTTTLS(caFile: "/nonexistent/ca.crt")
        #expect(throws: MQTTError.self) { try MQTTClient(configuration: settings) }
    }

    @Test(
        "the broker refuses a wrong password with its reason and accepts the right one",
        arguments: [MQTTProtocolVersion.v5, .v311])
    func passwords(version: MQTTProtocolVersion) async throws {
        let broker = try Broker(users: ["agent": "s3cret"])
        var wrong = configuration(broker, id: clientID("auth"), version: version)
        wrong.username = "agent"
        wrong.password = "guess"
        let refused = try MQTTClient(configuration: wrong)
        let events = StreamRecorder(refused.events)
        let started = ContinuousClock.now

        let error = await #expect(throws: MQTTError.self) {
            try await refused.connect()
        }

        #expect(error?.operation == "connect")
        let expectedCodes: [Int32] = version == .v5 ? [0x86, 0x87] : [4, 5]
        #expect(expectedCodes.contains(error?.code ?? -1), "\(String(describing: error))")
        #expect(error?.message.lowercased().contains("autho") == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(2), "a refusal must not wait for the timeout")
        #expect(await events.first { if case .connectFailed = $0 { true } else { false } } != nil)
        await refused.disconnect()

        var right = wrong
        right.password = "s3cret"
        let accepted = try MQTTClient(configuration: right)
        try await accepted.connect()
        #expect(accepted.isConnected)
        await accepted.disconnect()
    }

    @Test("after the broker restarts the client reconnects, re-subscribes and republishes its birth")
    func reconnectAfterRestart() async throws {
        let broker = try Broker()
        let topic = unique("restart")
        let status = unique("status")
        let client = try MQTTClient(configuration: configuration(broker, id: clientID("restart")))
        client.setBirth(MQTTMessage(topic: status, payload: bytes("online"), retain: true))
        let events = StreamRecorder(client.events)
        let inbox = StreamRecorder(client.messages)
        try await client.connect()
        try await client.subscribe(topic)

        broker.stop()
        await events.wait { $0.count >= 2 }
        // A QoS 1 publish while the broker is away is queued and completes after the reconnect.
        let queued = Task {
            try await client.publish(MQTTMessage(topic: unique("queued"), payload: bytes("later")))
        }
        try broker.restart()
        try await client.waitUntilConnected(timeout: .seconds(10))
        try await queued.value

        let changes = events.all
        #expect(changes.count == 3, "\(changes)")
        if changes.count == 3 {
            #expect(changes[0] == .connected(sessionPresent: false))
            if case .disconnected = changes[1] {} else { Issue.record("expected disconnected, got \(changes[1])") }
            #expect(changes[2] == .connected(sessionPresent: false))
        }

        let publisher = try await connectedClient(broker)
        try await publisher.publish(MQTTMessage(topic: topic, payload: bytes("after restart")))
        #expect(await inbox.first { $0.topic == topic }?.payload == bytes("after restart"))

        // The restarted broker (persistence off) lost all retained messages; "online" is there only if
        // the client published its birth again.
        let watcher = try await connectedClient(broker)
        let watched = StreamRecorder(watcher.messages)
        try await watcher.subscribe(status)
        let birth = await watched.first { $0.topic == status }
        #expect(birth?.payload == bytes("online"))
        #expect(birth?.retain == true)

        for other in [publisher, watcher, client] {
            await other.disconnect()
        }
    }

    @Test("start() before the broker is up keeps trying until it is")
    func startBeforeBroker() async throws {
        let broker = try Broker()
        broker.stop()
        let client = try MQTTClient(configuration: configuration(broker, id: clientID("early")))
        try client.start()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!client.isConnected)
        try broker.restart()
        try await client.waitUntilConnected(timeout: .seconds(10))
        #expect(client.isConnected)
        await client.disconnect()
    }

    @Test("connect() can be tried again after it failed")
    func connectAgain() async throws {
        let broker = try Broker()
        broker.stop()
        var settings = configuration(broker, id: clientID("again"))
        settings.connectTimeout = .seconds(1)
        let client = try MQTTClient(configuration: settings)
        await #expect(throws: MQTTError.self) {
            try await client.connect()
        }
        // Started again while the broker is still away, it must keep trying until the broker is back.
        try client.start()
        try await Task.sleep(for: .milliseconds(200))
        try broker.restart()
        try await client.waitUntilConnected(timeout: .seconds(10))
        #expect(client.isConnected)
        await client.disconnect()
    }

    @Test("disconnect() returns promptly while the broker is gone")
    func promptDisconnect() async throws {
        let broker = try Broker()
        var settings = configuration(broker, id: clientID("prompt"))
        settings.reconnectDelayMax = 30
        let client = try MQTTClient(configuration: settings)
        let events = StreamRecorder(client.events)
        let inbox = StreamRecorder(client.messages)
        try await client.connect()
        broker.stop()
        await events.wait { $0.count >= 2 }
        try await Task.sleep(for: .milliseconds(1_500))  // now in a reconnect backoff sleep

        let started = ContinuousClock.now
        await client.disconnect()
        #expect(ContinuousClock.now - started < .seconds(1))
        await inbox.wait(for: .seconds(1)) { _ in inbox.isFinished }
        #expect(inbox.isFinished)
    }
}
