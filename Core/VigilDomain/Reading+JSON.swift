extension Reading {
    /// The reading as JSON, written directly: the collector's hot path (see `JSONWriter`).
    public func encodedJSON() -> [UInt8] {
        Self.encodedJSON(
            site: site, asset: asset, kind: kind, seq: seq, ts: ts, source: source, quality: quality,
            capacity: 256 + values.jars.count * 80
        ) { writer in
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
    }

    /// The envelope of a reading around values written by the caller: the collector writes
    /// decoded registers straight into it, without building dictionaries first.
    /// - Parameter values: writes the *members* of the `values` object (no braces), keys sorted.
    public static func encodedJSON(
        site: TopicLevel, asset: TopicLevel, kind: AssetKind, seq: UInt64, ts: Timestamp, source: String,
        quality: Quality, capacity: Int, values: (inout JSONWriter) -> Void
    ) -> [UInt8] {
        Envelope(site: site, asset: asset, kind: kind, source: source)
            .encode(seq: seq, ts: ts, quality: quality, capacity: capacity, values: values)
    }

    /// The constant parts of one asset's readings, prepared once per asset: per reading only the
    /// quality, `seq`, `ts` and the values are written.
    public struct Envelope: Sendable {
        private let head: [UInt8]
        private let middle: [UInt8]

        public init(site: TopicLevel, asset: TopicLevel, kind: AssetKind, source: String) {
            var writer = JSONWriter(capacity: 128)
            writer.raw("{")
            writer.key("asset")
            writer.string(asset.rawValue)
            writer.comma()
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
