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
