extension Reading {
    /// The reading as JSON, written directly: the collector's hot path (see `JSONWriter`).
    public func encodedJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + values.jars.count * 80)
        writer.raw("{")
        writer.key("asset")
        writer.string(asset.rawValue)
        writer.comma()
        writer.key("kind")
        writer.string(kind.rawValue)
        writer.comma()
        writer.key("quality")
        writer.string(quality.rawValue)
        writer.comma()
        writer.key("seq")
        writer.integer(seq)
        writer.comma()
        writer.key("site")
        writer.string(site.rawValue)
        writer.comma()
        writer.key("source")
        writer.string(source)
        writer.comma()
        writer.key("ts")
        writer.string(ts.rfc3339)
        writer.comma()
        writer.key("v")
        writer.integer(Self.schemaVersion)
        writer.comma()
        writer.key("values")
        writer.raw("{")
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
        writer.raw("}}")
        return writer.bytes
    }
}
