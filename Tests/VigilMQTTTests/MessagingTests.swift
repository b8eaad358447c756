import Glibc
import Synchronization
import Testing
@_spi(Testing) import VigilMQTT
import VigilTestSupport

@Suite(.broker, .timeLimit(.minutes(1)))
struct MessagingTests {
    @Test(
        "publish and subscribe round trip",
        arguments: [MQTTProtocolVersion.v5, .v311], [MQTTQoS.atMostOnce, .atLeastOnce])
    func roundTrip(version: MQTTProtocolVersion, qos: MQTTQoS) async throws {
        let broker = try #require(Broker.current)
        let topic = unique("round-trip")
        let (subscriber, inbox, publisher) = try await subscriberAndPublisher(
            broker, filter: topic + "/#", qos: qos, version: version)

        try await publisher.publish(MQTTMessage(topic: topic + "/a", payload: bytes("hello"), qos: qos))

        let received = await inbox.first { $0.topic == topic + "/a" }
        #expect(received == MQTTMessage(topic: topic + "/a", payload: bytes("hello"), qos: qos, retain: false))
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test("a retained message reaches a late subscriber, and an empty retained payload clears it")
    func retained() async throws {
        let broker = try #require(Broker.current)
        let topic = unique("retained")
        let publisher = try await connectedClient(broker)
        try await publisher.publish(MQTTMessage(topic: topic, payload: bytes("42"), retain: true))

        let late = try await connectedClient(broker)
        let lateInbox = StreamRecorder(late.messages)
        try await late.subscribe(topic)
        let retained = await lateInbox.first { $0.topic == topic }
        #expect(retained?.payload == bytes("42"))
        #expect(retained?.retain == true)

        try await publisher.publish(MQTTMessage(topic: topic, payload: [], retain: true))
        let later = try await connectedClient(broker)
        let laterInbox = StreamRecorder(later.messages)
        try await later.subscribe(topic)
        let nothing = await laterInbox.first(within: .milliseconds(500)) { $0.topic == topic }
        #expect(nothing == nil)

        for client in [publisher, late, later] {
            await client.disconnect()
        }
    }

    @Test("an invalid filter is refused with an error naming subscribe")
    func invalidFilter() async throws {
        let broker = try #require(Broker.current)
        let client = try await connectedClient(broker)
        let error = await #expect(throws: MQTTError.self) {
            try await client.subscribe("a/#/b")
        }
        #expect(error?.operation == "subscribe")
        #expect(error?.description.hasPrefix("mqtt subscribe failed:") == true)
        #expect(client.isConnected)
        await client.disconnect()
    }

    @Test("1,000 QoS 1 messages handed over with enqueue() all arrive")
    func enqueueSmoke() async throws {
        let broker = try #require(Broker.current)
        let topic = unique("smoke")
        let (subscriber, inbox, publisher) = try await subscriberAndPublisher(broker, filter: topic)

        for index in 0..<1_000 {
            try publisher.enqueue(MQTTMessage(topic: topic, payload: bytes("\(index)")))
        }

        let received = await inbox.wait(for: .seconds(20)) { $0.count >= 1_000 }
        #expect(received.count == 1_000)
        #expect(Set(received.map(\.payload)) == Set((0..<1_000).map { bytes("\($0)") }))
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test("concurrent awaited QoS 1 publishes all complete (acks matched to their callers)")
    func concurrentPublishes() async throws {
        let broker = try #require(Broker.current)
        let topic = unique("concurrent")
        let publisher = try await connectedClient(broker)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await publisher.publish(MQTTMessage(topic: topic, payload: bytes("\(index)")))
                }
            }
            try await group.waitForAll()
        }
        await publisher.disconnect()
    }

    /// libmosquitto only queues a publish made while the network thread is inside a callback; the
    /// client's loop must write it when the callback returns, not at its next poll timeout (1 s).
    @Test("a publish made on another thread during a message callback goes out when the callback returns")
    func publishDuringCallback() async throws {
        let broker = try #require(Broker.current)
        let (trigger, answer, listener, inbox) = try await triggerAndListener(broker)

        let busy = try MQTTClient(configuration: configuration(broker))
        let inCallback = Mutex(false)
        let returned = Mutex<ContinuousClock.Instant?>(nil)
        busy.setMessageHandler { _ in
            inCallback.withLock { $0 = true }
            usleep(300_000)
            returned.withLock { $0 = .now }
        }
        try await busy.connect()
        try await busy.subscribe(trigger, qos: .atMostOnce)
        try await listener.publish(MQTTMessage(topic: trigger, payload: bytes("go"), qos: .atMostOnce))
        let deadline = ContinuousClock.now + .seconds(5)
        while !inCallback.withLock({ $0 }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        try #require(inCallback.withLock { $0 })
        // The network thread sleeps in the callback now: this publish can only be queued.
        try busy.enqueue(MQTTMessage(topic: answer, payload: bytes("done"), qos: .atMostOnce))

        let received = await inbox.first(within: .seconds(5)) { $0.topic == answer }
        let arrived = ContinuousClock.now
        #expect(received?.payload == bytes("done"))
        let callbackEnded = try #require(returned.withLock { $0 })
        #expect(arrived - callbackEnded < .milliseconds(500), "written \(arrived - callbackEnded) after the callback")
        await busy.disconnect()
        await listener.disconnect()
    }

    /// The alerter hands its state to a saver thread in `turnEnded`, trusting that the alarm it
    /// published in the turn is already on its way: waking that thread first put it in the alarm's
    /// path.
    @Test("turnEnded runs after what the handler published in the turn is written")
    func turnEndedAfterTheTurnsWrites() async throws {
        let broker = try #require(Broker.current)
        let (trigger, answer, listener, inbox) = try await triggerAndListener(broker)

        let busy = try MQTTClient(configuration: configuration(broker))
        let answered = Mutex(false)
        let turn = Mutex<(began: ContinuousClock.Instant, returned: ContinuousClock.Instant?)?>(nil)
        busy.setMessageHandler(
            { message in
                guard message.topic == trigger else { return }
                // Inside the callback: libmosquitto only queues this.
                try? busy.enqueue(MQTTMessage(topic: answer, payload: bytes("done"), qos: .atLeastOnce))
                answered.withLock { $0 = true }
            },
            turnEnded: {
                guard answered.withLock({ $0 }), turn.withLock({ $0 == nil }) else { return }
                turn.withLock { $0 = (.now, nil) }
                usleep(300_000)
                turn.withLock { $0?.returned = .now }
            })
        try await busy.connect()
        try await busy.subscribe(trigger, qos: .atMostOnce)
        try await listener.publish(MQTTMessage(topic: trigger, payload: bytes("go"), qos: .atMostOnce))

        let received = await inbox.first(within: .seconds(5)) { $0.topic == answer }
        let arrived = ContinuousClock.now
        #expect(received?.payload == bytes("done"))
        let deadline = ContinuousClock.now + .seconds(5)
        while turn.withLock({ $0?.returned }) == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let ended = try #require(turn.withLock { $0 })
        let returned = try #require(ended.returned)
        // Written before turnEnded began, the answer arrives while it still sleeps.
        #expect(arrived < returned, "arrived \(arrived - ended.began) after turnEnded began, which slept 300 ms")
        await busy.disconnect()
        await listener.disconnect()
    }

    @Test("after a QoS 1 burst, a message still goes out at once: the socket's cork is released every turn")
    func noDelayAfterBurst() async throws {
        let broker = try #require(Broker.current)
        let topic = unique("burst")
        let (subscriber, inbox, publisher) = try await subscriberAndPublisher(broker, filter: topic, qos: .atLeastOnce)

        // The subscriber reads the burst many messages a turn and corks its socket while it sends
        // their PUBACKs. A cork left on would hold every later small packet it writes until the
        // kernel's 200 ms timer, so the probes go out from the subscriber.
        for index in 0..<1000 {
            try publisher.enqueue(MQTTMessage(topic: topic, payload: bytes("\(index)"), qos: .atLeastOnce))
        }
        let burst = await inbox.wait(for: .seconds(20)) { $0.count >= 1000 }
        #expect(burst.count == 1000)
        #expect(burst.last?.payload == bytes("999"))

        // The fastest of five, so one slow moment of a busy machine cannot fail it.
        var fastest = Duration.seconds(60)
        for probe in 0..<5 {
            let payload = bytes("probe \(probe)")
            let start = ContinuousClock.now
            try await subscriber.publish(MQTTMessage(topic: topic, payload: payload, qos: .atLeastOnce))
            let arrived = await inbox.first(within: .seconds(5)) { $0.payload == payload }
            #expect(arrived != nil)
            fastest = min(fastest, ContinuousClock.now - start)
        }
        #expect(fastest < .milliseconds(100), "the fastest of five messages after the burst took \(fastest)")
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test("small messages and ones bigger than the receive buffer arrive whole and in order")
    func bigAndSmallInOrder() async throws {
        let broker = try #require(Broker.current)
        let topic = unique("sizes")
        let (subscriber, inbox, publisher) = try await subscriberAndPublisher(broker, filter: topic, qos: .atLeastOnce)

        // 64 KiB is the buffer: these cross its edge at every offset, and one body is bigger.
        let sizes = (0..<300).map { $0 % 50 == 49 ? 100_000 + $0 : 1 + ($0 * 997) % 5_000 }
        let payloads = sizes.enumerated().map { index, size in
            (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        }
        for payload in payloads {
            try publisher.enqueue(MQTTMessage(topic: topic, payload: payload, qos: .atLeastOnce))
        }
        let received = await inbox.wait(for: .seconds(20)) { $0.count >= payloads.count }
        #expect(received.count == payloads.count)
        #expect(received.map(\.payload) == payloads)
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test(
        "QoS 1 messages published while a persistent subscriber was away arrive when it returns",
        arguments: [MQTTProtocolVersion.v5, .v311])
    func persistentSession(version: MQTTProtocolVersion) async throws {
        let broker = try #require(Broker.current)
        let topic = unique("persistent")
        var settings = configuration(broker, id: clientID("persistent"), version: version)
        settings.cleanSession = false
        settings.sessionExpirySeconds = 300

        let first = try MQTTClient(configuration: settings)
        try await first.connect()
        try await first.subscribe(topic, qos: .atLeastOnce)
        await first.disconnect()

        let publisher = try await connectedClient(broker)
        for index in 0..<3 {
            try await publisher.publish(MQTTMessage(topic: topic, payload: bytes("m\(index)")))
        }

        let second = try MQTTClient(configuration: settings)
        let inbox = StreamRecorder(second.messages)
        let events = StreamRecorder(second.events)
        try await second.connect()
        let received = await inbox.wait { $0.count >= 3 }
        #expect(received.map(\.payload) == [bytes("m0"), bytes("m1"), bytes("m2")])
        #expect(events.all.first == .connected(sessionPresent: true))

        await publisher.disconnect()
        await second.disconnect()
    }

    @Test("libmosquitto's own reconnects also ask MQTT 5 to keep the session")
    func sessionExpiryOnReconnect() async throws {
        let broker = try #require(Broker.current)
        let topic = unique("persistent-reconnect")
        var settings = configuration(broker, id: clientID("persistent"))
        settings.cleanSession = false
        settings.sessionExpirySeconds = 300

        let first = try MQTTClient(configuration: settings)
        let events = StreamRecorder(first.events)
        try await first.connect()
        try await first.subscribe(topic)
        first.simulateNetworkFailure()
        let changes = await events.wait { $0.count >= 3 }
        #expect(changes.last == .connected(sessionPresent: true))
        // The session now lives by the expiry sent in the reconnect's CONNECT, not the first one.
        await first.disconnect()

        let publisher = try await connectedClient(broker)
        try await publisher.publish(MQTTMessage(topic: topic, payload: bytes("kept")))
        let second = try MQTTClient(configuration: settings)
        let inbox = StreamRecorder(second.messages)
        try await second.connect()
        #expect(await inbox.first { $0.topic == topic }?.payload == bytes("kept"))
        await publisher.disconnect()
        await second.disconnect()
    }

    @Test("disconnect() finishes both streams and later calls fail cleanly")
    func disconnectFinishes() async throws {
        let broker = try #require(Broker.current)
        let client = try await connectedClient(broker)
        let inbox = StreamRecorder(client.messages)
        let events = StreamRecorder(client.events)
        await client.disconnect()
        await client.disconnect()
        await inbox.wait(for: .seconds(2)) { _ in inbox.isFinished }
        await events.wait(for: .seconds(2)) { _ in events.isFinished }
        #expect(inbox.isFinished)
        #expect(events.isFinished)
        #expect(!client.isConnected)
        let error = await #expect(throws: MQTTError.self) {
            try await client.publish(MQTTMessage(topic: unique("closed"), payload: []))
        }
        #expect(error?.operation == "publish")
    }
}
