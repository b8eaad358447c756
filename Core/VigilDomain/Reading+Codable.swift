extension Reading: Codable {
    enum CodingKeys: String, CodingKey {
        case v, site, asset, kind, seq, ts, source, quality, values, collector, historical
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .v)
        guard version == Self.schemaVersion else {
            throw PayloadError(field: "v", reason: "schema version \(version) is not supported (expected 1)")
        }
        site = try container.decode(TopicLevel.self, forKey: .site)
        asset = try container.decode(TopicLevel.self, forKey: .asset)
        kind = try container.decode(AssetKind.self, forKey: .kind)
        // History stores seq as a signed 64-bit integer: negative or larger values cannot be kept apart.
        let raw: Int64
        do {
            raw = try container.decode(Int64.self, forKey: .seq)
        } catch {
            throw PayloadError(field: "seq", reason: "expected an integer from 0 to \(Int64.max)")
        }
        guard raw >= 0 else { throw PayloadError(field: "seq", reason: "expected an integer from 0 to \(Int64.max)") }
        seq = UInt64(raw)
        ts = try container.decode(Timestamp.self, forKey: .ts)
        source = try container.decodeIfPresent(String.self, forKey: .source) ?? ""
        quality = try container.decodeIfPresent(Quality.self, forKey: .quality) ?? .good
        values = try container.decode(Values.self, forKey: .values)
        collector = try container.decodeIfPresent(TopicLevel.self, forKey: .collector)
        historical = try container.decodeIfPresent(Bool.self, forKey: .historical) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .v)
        try container.encode(site, forKey: .site)
        try container.encode(asset, forKey: .asset)
        try container.encode(kind, forKey: .kind)
        try container.encode(seq, forKey: .seq)
        try container.encode(ts, forKey: .ts)
        try container.encode(source, forKey: .source)
        try container.encode(quality, forKey: .quality)
        try container.encode(values, forKey: .values)
        try container.encodeIfPresent(collector, forKey: .collector)
        if historical { try container.encode(true, forKey: .historical) }
    }
}

extension Reading.Values: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: MetricKey.self)
        var scalars: [String: Double] = [:]
        var series: [String: [Double]] = [:]
        var jars: [[String: Double]] = []
        for key in container.allKeys {
            let path = decoder.codingPath.fieldName + "." + key.stringValue
            if key.stringValue == "jars" {
                var list = try container.nestedUnkeyedContainer(forKey: key)
                while !list.isAtEnd {
                    let jarPath = "\(path)[\(list.currentIndex)]"
                    let jar = try list.nestedContainer(keyedBy: MetricKey.self)
                    var metrics: [String: Double] = [:]
                    for metric in jar.allKeys {
                        _ = try TopicLevel(metric.stringValue, field: "\(jarPath).\(metric.stringValue)")
                        metrics[metric.stringValue] = try Self.finite(
                            jar.decode(Double.self, forKey: metric), field: "\(jarPath).\(metric.stringValue)")
                    }
                    jars.append(metrics)
                }
                continue
            }
            _ = try TopicLevel(key.stringValue, field: path)
            if let number = try? container.decode(Double.self, forKey: key) {
                scalars[key.stringValue] = try Self.finite(number, field: path)
            } else if let numbers = try? container.decode([Double].self, forKey: key) {
                for (index, number) in numbers.enumerated() {
                    _ = try Self.finite(number, field: "\(path)[\(index)]")
                }
                series[key.stringValue] = numbers
            } else {
                throw PayloadError(field: path, reason: "expected a number or an array of numbers")
            }
        }
        self.init(scalars: scalars, series: series, jars: jars)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MetricKey.self)
        for (name, value) in scalars.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: MetricKey(name))
        }
        for (name, values) in series.sorted(by: { $0.key < $1.key }) {
            try container.encode(values, forKey: MetricKey(name))
        }
        if !jars.isEmpty {
            var list = container.nestedUnkeyedContainer(forKey: MetricKey("jars"))
            for jar in jars {
                var object = list.nestedContainer(keyedBy: MetricKey.self)
                for (name, value) in jar.sorted(by: { $0.key < $1.key }) {
                    try object.encode(value, forKey: MetricKey(name))
                }
            }
        }
    }

    /// JSON itself has no NaN, but a decoder may still produce infinities from huge exponents.
    static func finite(_ value: Double, field: String) throws(PayloadError) -> Double {
        guard value.isFinite else { throw PayloadError(field: field, reason: "is not a finite number") }
        return value
    }
}

/// A coding key for metric names that are data, not schema.
struct MetricKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
