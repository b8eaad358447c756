public import VigilDomain

/// What the runtime needs from an agent; everything else (MQTT, config, status, signals,
/// systemd) is the runtime's job, so each agent is just its domain loop.
public protocol Agent: Sendable {
    associatedtype Settings: Sendable

    /// `collector`, `evaluator`, …: the config file section and the default agent id.
    static var name: String { get }

    /// Validates the agent's own section whole; used for the file and for `config/<agent>` alike.
    static func settings(from section: ConfigNode) throws(ConfigError) -> Settings

    /// Topic filters the agent consumes; re-subscribed by the client after every reconnect.
    func subscriptions(_ topics: Topics) -> [String]

    /// The same, for an agent whose topics name itself (the collector's `ack/<collector>`).
    func subscriptions(_ topics: Topics, agentID: TopicLevel) -> [String]

    /// Topic filters the agent publishes to, besides its own status: what the broker ACL must
    /// grant it, and all it may grant (a test holds `broker-config/aclfile` to this).
    func publications(_ topics: Topics, agentID: TopicLevel) -> [String]

    /// Refuses a remote change that cannot take effect while running (e.g. a database path), so
    /// status never reports a revision as applied when part of it is not.
    static func validateChange(from current: Settings, to new: Settings) throws(ConfigError)

    /// True when the broker must queue QoS 1 messages for this agent while it is away.
    static var persistentSession: Bool { get }

    /// Runs until `context.messages` ends or the task is cancelled, then flushes and returns.
    func run(_ context: AgentContext<Settings>) async throws
}

extension Agent {
    public static var persistentSession: Bool { false }

    public func subscriptions(_ topics: Topics, agentID: TopicLevel) -> [String] { subscriptions(topics) }

    public static func validateChange(from current: Settings, to new: Settings) throws(ConfigError) {}
}

/// The version every agent reports on its status topic.
public enum Vigil {
    public static let version = "0.1.0"
}
