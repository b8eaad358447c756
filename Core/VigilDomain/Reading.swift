/// One reading of one asset, as the collector publishes it on `telemetry/<asset>`.
///
/// A battery string is one asset: string-level values plus one entry per jar, so the evaluator
/// can judge each jar against its own string rather than against a fleet-wide constant.
public struct Reading: Sendable, Equatable {
    public static let schemaVersion = 1

    public var site: TopicLevel
    public var asset: TopicLevel
    public var kind: AssetKind
    /// Per-asset, strictly increasing; the recorder deduplicates on `(asset, seq)`.
    public var seq: UInt64
    public var ts: Timestamp
    /// Where the values came from, e.g. `sim` or `modbus-tcp://bms-1:502/unit/1`.
    public var source: String
    public var quality: Quality
    public var values: Values

    public init(
        site: TopicLevel, asset: TopicLevel, kind: AssetKind, seq: UInt64, ts: Timestamp,
        source: String, quality: Quality = .good, values: Values
    ) {
        self.site = site
        self.asset = asset
        self.kind = kind
        self.seq = seq
        self.ts = ts
        self.source = source
        self.quality = quality
        self.values = values
    }

    /// Whether the source vouches for the values; `bad` readings are stored but not judged.
    public enum Quality: String, Sendable, Codable {
        case good, uncertain, bad
    }

    /// The measured values: named scalars, named series (e.g. three phase currents) and jars.
    public struct Values: Sendable, Equatable {
        public var scalars: [String: Double]
        public var series: [String: [Double]]
        public var jars: [[String: Double]]

        public init(scalars: [String: Double] = [:], series: [String: [Double]] = [:], jars: [[String: Double]] = []) {
            self.scalars = scalars
            self.series = series
            self.jars = jars
        }
    }
}
