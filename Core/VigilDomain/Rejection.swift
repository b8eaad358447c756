/// A reading refused as physically impossible, published on `rejected/<asset>` and kept by the
/// recorder for audit, so a wiring fault is visible instead of silently dropped.
public struct Rejection: Sendable, Equatable, Codable {
    public var v = 1
    public var site: TopicLevel
    public var asset: TopicLevel
    public var seq: UInt64
    public var ts: Timestamp
    public var field: String
    public var value: Double
    public var reason: String
    public var recommendation: String
    public var reading: Reading

    public init(reading: Reading, field: String, value: Double, reason: String, recommendation: String) {
        site = reading.site
        asset = reading.asset
        seq = reading.seq
        ts = reading.ts
        self.field = field
        self.value = value
        self.reason = reason
        self.recommendation = recommendation
        self.reading = reading
    }
}
