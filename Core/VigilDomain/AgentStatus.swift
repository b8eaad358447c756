/// What an agent says about itself on the retained `status/<agent>`; its Last Will says `offline`.
public struct AgentStatus: Sendable, Equatable, Codable {
    public var v = 1
    public var state: State
    public var agent: TopicLevel
    public var site: TopicLevel
    public var version: String
    public var pid: Int32
    public var started: Timestamp
    public var ts: Timestamp
    public var configRevision: Int?
    /// Why the last remote configuration was refused; nil when the last one was applied.
    public var configError: String?
    public var counters: [String: Int]

    public init(
        state: State, agent: TopicLevel, site: TopicLevel, version: String, pid: Int32, started: Timestamp,
        ts: Timestamp, configRevision: Int?, configError: String?, counters: [String: Int]
    ) {
        self.state = state
        self.agent = agent
        self.site = site
        self.version = version
        self.pid = pid
        self.started = started
        self.ts = ts
        self.configRevision = configRevision
        self.configError = configError
        self.counters = counters
    }

    public enum State: String, Sendable, Codable {
        case online, offline
    }

    enum CodingKeys: String, CodingKey {
        case v, state, agent, site, version, pid, started, ts, counters
        case configRevision = "config_revision"
        case configError = "config_error"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(v, forKey: .v)
        try container.encode(state, forKey: .state)
        try container.encode(agent, forKey: .agent)
        try container.encode(site, forKey: .site)
        try container.encode(version, forKey: .version)
        try container.encode(pid, forKey: .pid)
        try container.encode(started, forKey: .started)
        try container.encode(ts, forKey: .ts)
        // Explicit nulls: a dashboard can tell "no error" from "field missing in an old agent".
        try container.encode(configRevision, forKey: .configRevision)
        try container.encode(configError, forKey: .configError)
        try container.encode(counters, forKey: .counters)
    }
}
