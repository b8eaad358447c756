import Foundation
@_spi(Testing) import VigilMQTT
import VigilTestSupport

/// A topic or client id no other test (or earlier run) uses, so tests can share one broker.
func unique(_ prefix: String) -> String {
    "vigil-test/\(prefix)/\(UUID().uuidString.prefix(8))"
}

func clientID(_ prefix: String) -> String {
    "vigil-\(prefix)-\(UUID().uuidString.prefix(8))"
}

func configuration(
    _ broker: Broker,
    id: String = clientID("client"),
    version: MQTTProtocolVersion = .v5
) -> MQTTConfiguration {
    var configuration = MQTTConfiguration(clientID: id)
    configuration.host = broker.host
    configuration.port = broker.port
    configuration.protocolVersion = version
    configuration.keepAliveSeconds = 5
    configuration.connectTimeout = .seconds(5)
    configuration.reconnectDelayMin = 1
    configuration.reconnectDelayMax = 2
    return configuration
}

/// A client already connected to `broker`.
func connectedClient(
    _ broker: Broker,
    id: String = clientID("client"),
    version: MQTTProtocolVersion = .v5
) async throws -> MQTTClient {
    let client = try MQTTClient(configuration: configuration(broker, id: id, version: version))
    try await client.connect()
    return client
}

func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// A client subscribed to `filter` with a recorder of what it receives, and a second client to
/// publish with; both connected.
func subscriberAndPublisher(
    _ broker: Broker,
    filter: String,
    qos: MQTTQoS = .atLeastOnce,
    version: MQTTProtocolVersion = .v5
) async throws -> (subscriber: MQTTClient, inbox: StreamRecorder<MQTTMessage>, publisher: MQTTClient) {
    let subscriber = try await connectedClient(broker, version: version)
    let inbox = StreamRecorder(subscriber.messages)
    try await subscriber.subscribe(filter, qos: qos)
    return (subscriber, inbox, try await connectedClient(broker, version: version))
}

/// Two fresh topics and a connected listener subscribed to the second: for tests of a client that
/// answers the first from inside its message callback.
func triggerAndListener(
    _ broker: Broker
) async throws -> (trigger: String, answer: String, listener: MQTTClient, inbox: StreamRecorder<MQTTMessage>) {
    let listener = try await connectedClient(broker)
    let inbox = StreamRecorder(listener.messages)
    let answer = unique("answer")
    try await listener.subscribe(answer)
    return (unique("trigger"), answer, listener, inbox)
}
