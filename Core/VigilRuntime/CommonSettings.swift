public import VigilDomain
public import VigilMQTT

/// The settings every agent shares: who it is, where the broker is, where it keeps state.
///
/// Remote configuration cannot change these: an agent told over MQTT to use another broker
/// could cut itself off for good.
public struct CommonSettings: Sendable {
    public var site: TopicLevel
    public var agentID: TopicLevel
    public var broker: MQTTConfiguration
    public var stateDirectory: String
    public var logLevel: Logger.Level
    public var statusInterval: Duration
    public var maximumPayloadBytes: Int

    static let topLevelKeys: Set<String> = [
        "site", "agent_id", "broker", "state_dir", "log_level", "status_interval_s", "max_payload_bytes",
        "collector", "evaluator", "alerter", "recorder",
    ]

    /// Documented defaults; the README's configuration table lists the same values.
    init(_ root: ConfigNode, agent: String) throws(ConfigError) {
        try root.requireOnly(Self.topLevelKeys)
        site = try Self.level(root, "site", default: "demo")
        agentID = try Self.level(root, "agent_id", default: agent)
        stateDirectory = try root.string("state_dir", default: "/var/lib/vigil/\(agentID)")
        let levelName = try root.string("log_level", default: "info")
        guard let level = Logger.Level(name: levelName) else {
            throw ConfigError(key: "log_level", reason: "expected error, warning, notice, info or debug")
        }
        logLevel = level
        statusInterval = .seconds(try root.int("status_interval_s", default: 10, in: 1...3600))
        maximumPayloadBytes = try root.int("max_payload_bytes", default: 65_536, in: 1024...16_777_216)

        let node = try root.child("broker")
        try node.requireOnly([
            "host", "port", "socket", "username", "password", "password_file", "protocol", "keepalive_s", "client_id",
            "reconnect_min_s", "reconnect_max_s", "connect_timeout_s", "tls", "max_inflight", "max_undelivered",
        ])
        var broker = MQTTConfiguration(
            clientID: try node.string("client_id", default: "vigil-\(site)-\(agentID)"))
        broker.host = try node.string("host", default: "127.0.0.1")
        broker.port = try node.int("port", default: 1883, in: 1...65535)
        if let path = try node.optionalString("socket") {
            guard path.hasPrefix("/"), path.utf8.count < 108 else {
                throw ConfigError(
                    key: node.key("socket"), reason: "expected an absolute path of at most 107 bytes, got \"\(path)\"")
            }
            broker.socketPath = path
        }
        broker.username = try node.optionalString("username")
        broker.password = try node.optionalString("password")
        if let file = try node.optionalString("password_file") {
            do {
                let bytes = try FileSystem.read(file)
                broker.password = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first
                    .map(String.init)
            } catch {
                throw ConfigError(key: node.key("password_file"), reason: "cannot be read (\(error))")
            }
        }
        switch try node.string("protocol", default: "5") {
        case "5", "5.0", "v5": broker.protocolVersion = .v5
        case "3.1.1", "311", "v311": broker.protocolVersion = .v311
        default: throw ConfigError(key: node.key("protocol"), reason: "expected \"5\" or \"3.1.1\"")
        }
        broker.keepAliveSeconds = try node.int("keepalive_s", default: 30, in: 5...65535)
        broker.reconnectDelayMin = try node.int("reconnect_min_s", default: 1, in: 1...3600)
        broker.reconnectDelayMax = try node.int("reconnect_max_s", default: 30, in: broker.reconnectDelayMin...3600)
        broker.connectTimeout = .seconds(try node.int("connect_timeout_s", default: 10, in: 1...600))
        // QoS 1 messages awaiting PUBACK: the window bounds throughput at window / round trip.
        broker.maxInflight = try node.int("max_inflight", default: 100, in: 1...65535)
        // Received messages waiting for the agent: past this the client stops reading the socket and
        // the broker keeps the backlog, so a flood cannot exhaust a small gateway's memory.
        broker.maxUndelivered = try node.int("max_undelivered", default: 2000, in: 10...1_000_000)
        let tls = try node.child("tls")
        try tls.requireOnly(["ca_file", "cert_file", "key_file", "verify_hostname"])
        if !tls.keys.isEmpty {
            var options = MQTTTLS()
            options.caFile = try tls.optionalString("ca_file")
            options.certFile = try tls.optionalString("cert_file")
            options.keyFile = try tls.optionalString("key_file")
            options.verifyHostname = try tls.bool("verify_hostname", default: true)
            guard options.caFile != nil else {
                throw ConfigError(key: tls.key("ca_file"), reason: "is required when tls is configured")
            }
            guard broker.socketPath == nil else {
                throw ConfigError(
                    key: node.key("socket"),
                    reason: "cannot be used with tls: a Unix socket is local and never encrypted")
            }
            broker.tls = options
        }
        self.broker = broker
    }

    private static func level(_ node: ConfigNode, _ name: String, default fallback: String) throws(ConfigError)
        -> TopicLevel
    {
        let text = try node.string(name, default: fallback)
        do {
            return try TopicLevel(text, field: name)
        } catch {
            throw ConfigError(key: node.key(name), reason: error.reason)
        }
    }
}
