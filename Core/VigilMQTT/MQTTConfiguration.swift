/// Everything needed to reach and keep a broker connection.
///
/// The defaults fit an agent next to a local Mosquitto on the site gateway.
public struct MQTTConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 1883
    /// A Unix domain socket of the broker's (`listener 0 <path>` in mosquitto.conf); when set,
    /// the client connects through it instead of `host` and `port`. Loopback TCP runs every
    /// packet through the TCP stack on both sides: in the end-to-end bench the collector and the
    /// evaluator spent a fifth less CPU per reading on the socket.
    public var socketPath: String? = nil
    /// Must be stable across restarts for a persistent session; empty lets the broker assign one
    /// (only allowed with `cleanSession == true`).
    public var clientID: String
    public var username: String?
    public var password: String?
    public var protocolVersion: MQTTProtocolVersion = .v5
    /// libmosquitto refuses values below 5 seconds.
    public var keepAliveSeconds = 30
    /// `false` asks the broker to keep subscriptions and queued QoS ≥ 1 messages while the client is away.
    public var cleanSession = true
    /// With MQTT 5 a session survives a disconnect only for this long; used when `cleanSession == false`.
    public var sessionExpirySeconds: UInt32 = 86_400
    public var tls: MQTTTLS? = nil
    /// Last Will, typically a retained "offline" status, sent by the broker when the link dies uncleanly.
    public var will: MQTTMessage? = nil
    /// Reconnect backoff bounds in seconds (libmosquitto grows the delay between them and caps it at the max).
    public var reconnectDelayMin = 1
    public var reconnectDelayMax = 30
    /// How long `connect()` waits for a CONNACK before giving up.
    public var connectTimeout: Duration = .seconds(10)
    /// QoS ≥ 1 messages allowed in flight before libmosquitto queues further publishes locally.
    public var maxInflight = 100
    /// Sends each packet at once instead of letting Nagle's algorithm hold a small one back until
    /// the previous is acknowledged: with delayed ACKs that held an alarm 40 ms after a PUBACK.
    public var tcpNoDelay = true
    /// Received messages that may wait for their consumer before the client stops reading the
    /// socket (see `DeliveryGate`); nil for no limit. A consumer that sets it must call
    /// `MQTTClient.consumed()` once per message it takes.
    public var maxUndelivered: Int? = nil

    public init(clientID: String) {
        self.clientID = clientID
    }

    /// Where the client connects, as logs and status lines name it.
    public var endpoint: String { socketPath ?? "\(host):\(port)" }
}
