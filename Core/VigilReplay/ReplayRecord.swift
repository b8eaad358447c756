public import VigilDomain

/// One row of a replay file, ready to become a reading.
///
/// Site, sequence number and source are the collector's to assign (the sequence must survive
/// restarts, which a file cannot know), so a record carries only what the file says.
public struct ReplayRecord: Sendable, Equatable {
    public var ts: Timestamp
    public var asset: TopicLevel
    public var kind: AssetKind
    public var values: Reading.Values
    /// The line of the file the record came from, so a reading the evaluator rejects can be traced.
    public var line: Int

    public init(ts: Timestamp, asset: TopicLevel, kind: AssetKind, values: Reading.Values, line: Int) {
        self.ts = ts
        self.asset = asset
        self.kind = kind
        self.values = values
        self.line = line
    }

    /// The reading the collector publishes for this record.
    public func reading(site: TopicLevel, seq: UInt64, source: String) -> Reading {
        Reading(site: site, asset: asset, kind: kind, seq: seq, ts: ts, source: source, values: values)
    }
}
