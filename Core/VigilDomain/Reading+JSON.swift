extension Reading {
    /// The reading as JSON, written directly: the collector's hot path (see `JSONWriter`).
    public func encodedJSON() -> [UInt8] {
        let envelope = Envelope(site: site, asset: asset, kind: kind, source: source, collector: collector)
        let json = envelope.encode(seq: seq, ts: ts, quality: quality, capacity: 256 + values.jars.count * 80) {
            writer in
            // A pump's or a chiller's reading has scalars only: written from the sorted pairs, with
            // no lookup of each name again.
            if values.series.isEmpty && values.jars.isEmpty {
                for (position, scalar) in values.scalars.sorted(by: { $0.key < $1.key }).enumerated() {
                    if position > 0 { writer.comma() }
                    writer.key(scalar.key)
                    writer.number(scalar.value)
                }
                return
            }
            var names = Array(values.scalars.keys) + Array(values.series.keys)
            if !values.jars.isEmpty { names.append("jars") }
            names.sort()
            for (position, name) in names.enumerated() {
                if position > 0 { writer.comma() }
                writer.key(name)
                if let scalar = values.scalars[name] {
                    writer.number(scalar)
                } else if let series = values.series[name] {
                    writer.raw("[")
                    for (index, value) in series.enumerated() {
                        if index > 0 { writer.comma() }
                        writer.number(value)
                    }
                    writer.raw("]")
                } else {
                    writer.raw("[")
                    for (index, jar) in values.jars.enumerated() {
                        if index > 0 { writer.comma() }
                        writer.raw("{")
                        for (position, metric) in jar.keys.sorted().enumerated() {
                            if position > 0 { writer.comma() }
                            writer.key(metric)
                            writer.number(jar[metric]!)
                        }
                        writer.raw("}")
                    }
                    writer.raw("]")
                }
            }
        }
        return historical ? Self.markedHistorical(json) : json
    }

    /// An encoded reading with `"historical":true` added, for the outbox's resends: the stored
    /// bytes are sent again as they are, not decoded and rebuilt. Keys then are not in sorted
    /// order, which JSON does not require.
    public static func markedHistorical(_ payload: [UInt8]) -> [UInt8] {
        let marker = Array(#""historical":true,"#.utf8)
        guard payload.first == UInt8(ascii: "{"), !payload.starts(with: [UInt8(ascii: "{")] + marker) else {
            return payload
        }
        var marked = [UInt8]()
        marked.reserveCapacity(payload.count + marker.count)
        marked.append(UInt8(ascii: "{"))
        marked.append(contentsOf: marker)
        marked.append(contentsOf: payload.dropFirst())
        return marked
    }

    /// The constant parts of one asset's readings, prepared once per asset: per reading only the
    /// quality, `seq`, `ts` and the values are written.
    public struct Envelope: Sendable {
        private let head: [UInt8]
        private let middle: [UInt8]

        public init(site: TopicLevel, asset: TopicLevel, kind: AssetKind, source: String, collector: TopicLevel? = nil)
        {
            var writer = JSONWriter(capacity: 128)
            writer.raw("{")
            writer.key("asset")
            writer.string(asset.rawValue)
            writer.comma()
            if let collector {
                writer.key("collector")
                writer.string(collector.rawValue)
                writer.comma()
            }
            writer.key("kind")
            writer.string(kind.rawValue)
            writer.comma()
            writer.key("quality")
            head = writer.bytes
            writer = JSONWriter(capacity: 128)
            writer.comma()
            writer.key("site")
            writer.string(site.rawValue)
            writer.comma()
            writer.key("source")
            writer.string(source)
            writer.comma()
            writer.key("ts")
            middle = writer.bytes
        }

        public func encode(
            seq: UInt64, ts: Timestamp, quality: Quality, capacity: Int, values: (inout JSONWriter) -> Void
        ) -> [UInt8] {
            var writer = JSONWriter(capacity: capacity)
            writer.raw(bytes: head)
            writer.string(quality.rawValue)
            writer.comma()
            writer.key("seq")
            writer.integer(seq)
            writer.raw(bytes: middle)
            writer.timestamp(ts)
            writer.comma()
            writer.key("v")
            writer.integer(schemaVersion)
            writer.comma()
            writer.key("values")
            writer.raw("{")
            values(&writer)
            writer.raw("}}")
            return writer.bytes
        }
    }
}
