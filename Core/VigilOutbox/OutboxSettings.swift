public import VigilRuntime

/// `collector.outbox`: how long a reading may go unacknowledged, how fast a backlog is sent
/// again, and how much disk the outbox may take.
public struct OutboxSettings: Sendable, Equatable {
    /// A reading the recorder has not acknowledged this long after it was sent is sent again.
    public var ackTimeout: Duration
    /// Readings sent again per second at most, so a backlog after an outage does not flood the
    /// broker or starve live readings.
    public var resendPerSecond: Int
    /// Bytes the outbox may hold; past this the oldest readings are dropped, counted and alarmed.
    public var maxBytes: Int

    public init(ackTimeout: Duration = .seconds(30), resendPerSecond: Int = 500, maxBytes: Int = 256 << 20) {
        self.ackTimeout = ackTimeout
        self.resendPerSecond = resendPerSecond
        self.maxBytes = maxBytes
    }

    public init(_ node: ConfigNode) throws(ConfigError) {
        try node.requireOnly(["ack_timeout_s", "resend_per_s", "max_mb"])
        self.init(
            ackTimeout: .seconds(try node.int("ack_timeout_s", default: 30, in: 1...86_400)),
            resendPerSecond: try node.int("resend_per_s", default: 500, in: 1...100_000),
            maxBytes: try node.int("max_mb", default: 256, in: 1...1_000_000) << 20)
    }
}
