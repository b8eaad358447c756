/// MQTT delivery guarantee; the raw value is the wire value libmosquitto expects.
public enum MQTTQoS: Int32, Sendable {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2
}
