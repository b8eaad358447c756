/// The MQTT protocol revision spoken to the broker.
///
/// MQTT 5 is the default because it carries reason codes (the agents report *why* the broker refused)
/// and session expiry; 3.1.1 stays available for older brokers and bridges.
public enum MQTTProtocolVersion: Sendable {
    case v311
    case v5
}
