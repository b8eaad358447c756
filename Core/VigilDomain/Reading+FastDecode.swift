extension Reading {
    /// The reading in `bytes`, read directly from the JSON; nil when the payload is anything but
    /// plainly valid, and the caller then uses `JSONDecoder`, which names the field and reason.
    ///
    /// The recorder and the evaluator decode every reading: through `JSONDecoder` a battery
    /// reading costs tens of microseconds, most of the recorder's CPU at speed.
    static func fastDecoded(_ bytes: [UInt8]) -> Reading? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            guard let (reading, values) = decode(&scanner, values: decodeValues), scanner.atEnd else { return nil }
            var full = reading
            full.values = values
            return full
        }
    }

    /// The reading without `values`, and its values flattened in the payload's order under the names
    /// the history uses (`v_string`, `cells.3`, `jar07.r_uohm`); nil exactly when `fastDecoded` is.
    ///
    /// For the recorder, which stores the payload as it came and needs only the numbers for its
    /// rollups: building `Values`' dictionaries and flattening them again was a fifth of its CPU.
    public static func fastFlattened(_ bytes: [UInt8]) -> (reading: Reading, metrics: [Metric])? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            guard let decoded = decode(&scanner, values: flattenValues), scanner.atEnd else { return nil }
            return decoded
        }
    }

    /// The history's name of a jar's metric: `jar01.v_mv`, two digits up to 99 jars.
    public static func jarMetricName(_ index: Int, _ name: String) -> String {
        guard (0..<99).contains(index) else { return "jar" + String(index + 1) + "." + name }
        // Written byte by byte: three concatenations were a third of the recorder's decoding.
        var name = name
        return name.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count + 6) { buffer in
                let number = index + 1
                buffer[0] = UInt8(ascii: "j")
                buffer[1] = UInt8(ascii: "a")
                buffer[2] = UInt8(ascii: "r")
                buffer[3] = UInt8(ascii: "0") + UInt8(number / 10)
                buffer[4] = UInt8(ascii: "0") + UInt8(number % 10)
                buffer[5] = UInt8(ascii: ".")
                for (offset, byte) in bytes.enumerated() { buffer[6 + offset] = byte }
                return bytes.count + 6
            }
        }
    }

    /// The envelope's fields, matched on the key's bytes: making a `String` of every key and
    /// looking it up by name was a tenth of the recorder's decoding.
    private enum Field {
        case version, site, asset, kind, seq, ts, source, quality, values, collector, historical

        init?(_ key: UnsafeBufferPointer<UInt8>) {
            func `is`(_ name: StaticString) -> Bool { Bytes.equal(key, name) }
            switch key.count {
            case 1 where `is`("v"): self = .version
            case 2 where `is`("ts"): self = .ts
            case 3 where `is`("seq"): self = .seq
            case 4 where `is`("site"): self = .site
            case 4 where `is`("kind"): self = .kind
            case 5 where `is`("asset"): self = .asset
            case 6 where `is`("source"): self = .source
            case 6 where `is`("values"): self = .values
            case 7 where `is`("quality"): self = .quality
            case 9 where `is`("collector"): self = .collector
            case 10 where `is`("historical"): self = .historical
            default: return nil
            }
        }
    }

    private static func decode<V>(
        _ scanner: inout JSONScanner, values readValues: (inout JSONScanner) -> V?
    ) -> (Reading, V)? {
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var version: Int64?
        var site: TopicLevel?
        var asset: TopicLevel?
        var kind: AssetKind?
        var seq: Int64?
        var ts: Timestamp?
        var source: String?
        var quality: Quality?
        var values: V?
        var collector: TopicLevel?
        var historical: Bool?
        if !scanner.take(UInt8(ascii: "}")) {
            repeat {
                guard let key = scanner.stringBytes(), scanner.take(UInt8(ascii: ":")) else { return nil }
                guard let field = Field(key) else {
                    // An unknown key is skipped, but only if it is text JSONDecoder would accept.
                    guard String(validating: key, as: UTF8.self) != nil, scanner.skipValue() else { return nil }
                    continue
                }
                // A repeated field is left to JSONDecoder, and every one present must be read in full.
                func read<T>(_ slot: inout T?, _ value: () -> T?) -> Bool {
                    guard slot == nil, let parsed = value() else { return false }
                    slot = parsed
                    return true
                }
                let complete: Bool
                switch field {
                case .version: complete = read(&version) { scanner.unsignedInteger() }
                case .site: complete = read(&site) { scanner.identifier().map(TopicLevel.init(checked:)) }
                case .asset: complete = read(&asset) { scanner.identifier().map(TopicLevel.init(checked:)) }
                case .kind: complete = read(&kind) { scanner.string().flatMap { try? AssetKind($0) } }
                case .seq: complete = read(&seq) { scanner.unsignedInteger() }
                case .ts: complete = read(&ts) { scanner.string().flatMap { Timestamp(rfc3339: $0) } }
                case .source: complete = read(&source) { scanner.string() }
                case .quality: complete = read(&quality) { scanner.string().flatMap { Quality(rawValue: $0) } }
                case .values: complete = read(&values) { readValues(&scanner) }
                case .collector: complete = read(&collector) { scanner.identifier().map(TopicLevel.init(checked:)) }
                case .historical:
                    complete = read(&historical) {
                        scanner.literal("true") ? true : scanner.literal("false") ? false : nil
                    }
                }
                guard complete else { return nil }
            } while scanner.take(UInt8(ascii: ","))
            guard scanner.take(UInt8(ascii: "}")) else { return nil }
        }
        guard version == Int64(schemaVersion), let site, let asset, let kind, let seq, let ts, let values else {
            return nil
        }
        let reading = Reading(
            site: site, asset: asset, kind: kind, seq: UInt64(seq), ts: ts, source: source ?? "",
            quality: quality ?? .good, values: Values(), collector: collector, historical: historical ?? false)
        return (reading, values)
    }

    private static func decodeValues(_ scanner: inout JSONScanner) -> Values? {
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var values = Values()
        // Room for a pump's or a chiller's values at once: growing the dictionary from empty,
        // rehashing at every doubling, showed in the evaluator's profile.
        values.scalars.reserveCapacity(8)
        var sawJars = false
        if scanner.take(UInt8(ascii: "}")) { return values }
        repeat {
            guard let name = scanner.identifier(), scanner.take(UInt8(ascii: ":")) else { return nil }
            // A repeated name is left to JSONDecoder.
            guard values.scalars[name] == nil, values.series[name] == nil, !(name == "jars" && sawJars) else {
                return nil
            }
            if name == "jars" {
                sawJars = true
                guard scanner.take(UInt8(ascii: "[")) else { return nil }
                if !scanner.take(UInt8(ascii: "]")) {
                    repeat {
                        guard let jar = scanner.numbers(identifiers: true) else { return nil }
                        values.jars.append(jar)
                    } while scanner.take(UInt8(ascii: ","))
                    guard scanner.take(UInt8(ascii: "]")) else { return nil }
                }
                continue
            }
            if scanner.peek() == UInt8(ascii: "[") {
                _ = scanner.take(UInt8(ascii: "["))
                var series: [Double] = []
                if !scanner.take(UInt8(ascii: "]")) {
                    repeat {
                        guard let number = scanner.number() else { return nil }
                        series.append(number)
                    } while scanner.take(UInt8(ascii: ","))
                    guard scanner.take(UInt8(ascii: "]")) else { return nil }
                }
                values.series[name] = series
            } else {
                guard let number = scanner.number() else { return nil }
                values.scalars[name] = number
            }
        } while scanner.take(UInt8(ascii: ","))
        return scanner.take(UInt8(ascii: "}")) ? values : nil
    }

    private static func flattenValues(_ scanner: inout JSONScanner) -> [Metric]? {
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        // Room for a pump's or a chiller's values at once: growing the arrays from empty showed in
        // the recorder's profile.
        var metrics: [Metric] = []
        metrics.reserveCapacity(16)
        var names: [String] = []
        names.reserveCapacity(16)
        if scanner.take(UInt8(ascii: "}")) { return metrics }
        repeat {
            // A repeated name is left to JSONDecoder, as in `decodeValues`.
            guard let name = scanner.identifier(), scanner.take(UInt8(ascii: ":")), !names.contains(name) else {
                return nil
            }
            names.append(name)
            if name == "jars" {
                guard scanner.take(UInt8(ascii: "[")) else { return nil }
                if !scanner.take(UInt8(ascii: "]")) {
                    var index = 0
                    repeat {
                        guard flattenJar(&scanner, index: index, into: &metrics) else { return nil }
                        index += 1
                    } while scanner.take(UInt8(ascii: ","))
                    guard scanner.take(UInt8(ascii: "]")) else { return nil }
                }
                continue
            }
            if scanner.peek() == UInt8(ascii: "[") {
                _ = scanner.take(UInt8(ascii: "["))
                if !scanner.take(UInt8(ascii: "]")) {
                    var index = 1
                    repeat {
                        guard let number = scanner.number() else { return nil }
                        metrics.append(Metric(name: name + "." + String(index), value: number))
                        index += 1
                    } while scanner.take(UInt8(ascii: ","))
                    guard scanner.take(UInt8(ascii: "]")) else { return nil }
                }
            } else {
                guard let number = scanner.number() else { return nil }
                metrics.append(Metric(name: name, value: number))
            }
        } while scanner.take(UInt8(ascii: ","))
        return scanner.take(UInt8(ascii: "}")) ? metrics : nil
    }

    private static func flattenJar(
        _ scanner: inout JSONScanner, index: Int, into metrics: inout [Metric]
    ) -> Bool {
        guard scanner.take(UInt8(ascii: "{")) else { return false }
        if scanner.take(UInt8(ascii: "}")) { return true }
        let first = metrics.count
        repeat {
            guard let name = scanner.identifier(), scanner.take(UInt8(ascii: ":")), let number = scanner.number() else {
                return false
            }
            let full = jarMetricName(index, name)
            guard !metrics[first...].contains(where: { $0.name == full }) else { return false }
            metrics.append(Metric(name: full, value: number))
        } while scanner.take(UInt8(ascii: ","))
        return scanner.take(UInt8(ascii: "}"))
    }
}
