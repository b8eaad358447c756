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
    /// The agent id of the collector that took the reading: the recorder acknowledges on
    /// `ack/<collector>`. nil from other producers (a Node-RED flow), which get no acknowledgement.
    public var collector: TopicLevel?
    /// True when the collector's outbox sent it again after it went unacknowledged (an outage):
    /// it is history catching up, not the asset's present state.
    public var historical: Bool

    public init(
        site: TopicLevel, asset: TopicLevel, kind: AssetKind, seq: UInt64, ts: Timestamp,
        source: String, quality: Quality = .good, values: Values, collector: TopicLevel? = nil, historical: Bool = false
    ) {
        self.site = site
        self.asset = asset
        self.kind = kind
        self.seq = seq
        self.ts = ts
        self.source = source
        self.quality = quality
        self.values = values
        self.collector = collector
        self.historical = historical
    }

    /// Whether the source vouches for the values, so a dead link is never judged as a dead battery:
    /// `stale` holds last-known values for registers that could not be read this time,
    /// `comm_error` means the device did not answer and `values` is empty. Only `good` is judged.
    public enum Quality: String, Sendable, Codable {
        case good, stale
        case commError = "comm_error"
    }

    /// One numeric value of a reading under the name the history uses: `flow_lps`,
    /// `phase_current_a.2`, `jar07.voltage_v`.
    public struct Metric: Sendable, Equatable {
        public var name: String
        public var value: Double

        public init(name: String, value: Double) {
            self.name = name
            self.value = value
        }
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
