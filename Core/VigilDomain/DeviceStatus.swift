/// Reachability of one polled device, retained on `device/<device>`.
public struct DeviceStatus: Sendable, Equatable, Codable {
    public var v = 1
    public var site: TopicLevel
    public var device: TopicLevel
    public var asset: TopicLevel
    public var source: String
    public var state: State
    public var consecutiveFailures: Int
    public var lastError: String?
    public var lastOK: Timestamp?
    public var ts: Timestamp
    /// Requests, failures by cause (timeouts, exceptions, CRC errors, connection errors).
    public var counters: [String: Int]

    public init(
        site: TopicLevel, device: TopicLevel, asset: TopicLevel, source: String, state: State,
        consecutiveFailures: Int, lastError: String?, lastOK: Timestamp?, ts: Timestamp, counters: [String: Int]
    ) {
        self.site = site
        self.device = device
        self.asset = asset
        self.source = source
        self.state = state
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.lastOK = lastOK
        self.ts = ts
        self.counters = counters
    }

    /// `ok`: every read answered. `degraded`: some reads failed, or the unit refuses requests with
    /// Modbus exceptions, or it just started failing. `unreachable`: it stopped answering.
    public enum State: String, Sendable, Codable {
        case ok, degraded, unreachable
    }

    enum CodingKeys: String, CodingKey {
        case v, site, device, asset, source, state, ts, counters
        case consecutiveFailures = "consecutive_failures"
        case lastError = "last_error"
        case lastOK = "last_ok"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(v, forKey: .v)
        try container.encode(site, forKey: .site)
        try container.encode(device, forKey: .device)
        try container.encode(asset, forKey: .asset)
        try container.encode(source, forKey: .source)
        try container.encode(state, forKey: .state)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(lastOK, forKey: .lastOK)
        try container.encode(ts, forKey: .ts)
        try container.encode(counters, forKey: .counters)
    }
}
