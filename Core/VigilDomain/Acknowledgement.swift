/// What the recorder has committed of one collector's readings, published on `ack/<collector>`
/// once those commits are synced to disk; the collector deletes from its outbox only what this
/// says is stored.
///
/// `committed` counts contiguous `seq` only, so a reading that never arrived keeps the watermark
/// below it: the gap is reported, and the collector sends that reading again.
public struct Acknowledgement: Sendable, Equatable {
    public static let schemaVersion = 1

    public struct Progress: Sendable, Equatable {
        /// Every `seq` from 1 up to this one is stored; 0 when none is.
        public var committed: UInt64
        /// The highest `seq` stored; above `committed` only while there are gaps.
        public var latest: UInt64
        /// The ranges missing between `committed` and `latest`, oldest first.
        public var gaps: [ClosedRange<UInt64>]

        public init(committed: UInt64, latest: UInt64? = nil, gaps: [ClosedRange<UInt64>] = []) {
            self.committed = committed
            self.latest = max(latest ?? committed, committed)
            self.gaps = gaps
        }

        /// The ranges of `seq` that are stored: up to the watermark, and between the gaps above it.
        public var stored: [ClosedRange<UInt64>] {
            var ranges: [ClosedRange<UInt64>] = committed > 0 ? [1...committed] : []
            var next = committed + 1
            for gap in gaps where gap.lowerBound >= next {
                if gap.lowerBound > next { ranges.append(next...gap.lowerBound - 1) }
                next = gap.upperBound + 1
            }
            if latest >= next { ranges.append(next...latest) }
            return ranges
        }
    }

    public var collector: TopicLevel
    public var assets: [String: Progress]

    public init(collector: TopicLevel, assets: [String: Progress]) {
        self.collector = collector
        self.assets = assets
    }
}

extension Acknowledgement: Codable {
    enum CodingKeys: String, CodingKey {
        case v, collector, committed, latest, gaps
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .v)
        guard version == Self.schemaVersion else {
            throw PayloadError(field: "v", reason: "schema version \(version) is not supported (expected 1)")
        }
        collector = try container.decode(TopicLevel.self, forKey: .collector)
        let committed = try container.decode([String: UInt64].self, forKey: .committed)
        let latest = try container.decodeIfPresent([String: UInt64].self, forKey: .latest) ?? [:]
        let gaps = try container.decodeIfPresent([String: [[UInt64]]].self, forKey: .gaps) ?? [:]
        var assets: [String: Progress] = [:]
        for (asset, watermark) in committed {
            _ = try TopicLevel(asset, field: "committed.\(asset)")
            var ranges: [ClosedRange<UInt64>] = []
            for (index, pair) in (gaps[asset] ?? []).enumerated() {
                guard pair.count == 2, pair[0] <= pair[1], pair[0] > watermark else {
                    throw PayloadError(
                        field: "gaps.\(asset)[\(index)]", reason: "expected [first, last] above the committed seq")
                }
                ranges.append(pair[0]...pair[1])
            }
            let top = latest[asset] ?? watermark
            guard top >= watermark, ranges.allSatisfy({ $0.upperBound < top }) else {
                throw PayloadError(field: "latest.\(asset)", reason: "must be above the committed seq and every gap")
            }
            assets[asset] = Progress(committed: watermark, latest: top, gaps: ranges)
        }
        self.assets = assets
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .v)
        try container.encode(collector, forKey: .collector)
        try container.encode(assets.mapValues(\.committed), forKey: .committed)
        let behind = assets.filter { $0.value.latest > $0.value.committed }
        if !behind.isEmpty {
            try container.encode(behind.mapValues(\.latest), forKey: .latest)
            try container.encode(
                behind.mapValues { $0.gaps.map { [$0.lowerBound, $0.upperBound] } }, forKey: .gaps)
        }
    }
}
