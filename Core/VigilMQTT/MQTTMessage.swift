/// One application message, as published or as received.
///
/// The payload is raw bytes so that the transport never decides an encoding; the agents own their formats.
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    /// On a received message this is true only when the broker delivered a stored retained message at
    /// subscribe time; live forwards of a retained publish arrive with `retain == false` (normal MQTT).
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}
