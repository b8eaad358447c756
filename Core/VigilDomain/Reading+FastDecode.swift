extension Reading {
    /// The reading in `bytes`, read directly from the JSON; nil when the payload is anything but
    /// plainly valid, and the caller then uses `JSONDecoder`, which names the field and reason.
    ///
    /// The recorder and the evaluator decode every reading: through `JSONDecoder` a battery
    /// reading costs tens of microseconds, most of the recorder's CPU at speed.
    static func fastDecoded(_ bytes: [UInt8]) -> Reading? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            guard let reading = decode(&scanner), scanner.atEnd else { return nil }
            return reading
        }
    }

    private static let knownFields = [
        "v", "site", "asset", "kind", "seq", "ts", "source", "quality", "values", "collector", "historical",
    ]

    private static func decode(_ scanner: inout JSONScanner) -> Reading? {
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var version: Int64?
        var site: TopicLevel?
        var asset: TopicLevel?
        var kind: AssetKind?
        var seq: Int64?
        var ts: Timestamp?
        var source: String?
        var quality: Quality?
        var values: Values?
        var collector: TopicLevel?
        var historical: Bool?
        // Known fields seen so far, one bit each: a repeated one is left to JSONDecoder.
        var seen: UInt16 = 0
        if !scanner.take(UInt8(ascii: "}")) {
            repeat {
                guard let key = scanner.string(), scanner.take(UInt8(ascii: ":")) else { return nil }
                if let bit = knownFields.firstIndex(of: key) {
                    guard seen & (1 << bit) == 0 else { return nil }
                    seen |= 1 << bit
                }
                switch key {
                case "v": version = scanner.unsignedInteger()
                case "site": site = scanner.identifier().map(TopicLevel.init(checked:))
                case "asset": asset = scanner.identifier().map(TopicLevel.init(checked:))
                case "kind": kind = scanner.string().flatMap { try? AssetKind($0) }
                case "seq": seq = scanner.unsignedInteger()
                case "ts": ts = scanner.string().flatMap { Timestamp(rfc3339: $0) }
                case "source": source = scanner.string()
                case "quality": quality = scanner.string().flatMap { Quality(rawValue: $0) }
                case "values": values = decodeValues(&scanner)
                case "collector": collector = scanner.identifier().map(TopicLevel.init(checked:))
                case "historical":
                    historical = scanner.literal("true") ? true : scanner.literal("false") ? false : nil
                default:
                    guard scanner.skipValue() else { return nil }
                    continue
                }
                // Every known field that was present must have been read in full.
                switch key {
                case "v": if version == nil { return nil }
                case "site": if site == nil { return nil }
                case "asset": if asset == nil { return nil }
                case "kind": if kind == nil { return nil }
                case "seq": if seq == nil { return nil }
                case "ts": if ts == nil { return nil }
                case "source": if source == nil { return nil }
                case "quality": if quality == nil { return nil }
                case "values": if values == nil { return nil }
                case "collector": if collector == nil { return nil }
                default: if historical == nil { return nil }
                }
            } while scanner.take(UInt8(ascii: ","))
            guard scanner.take(UInt8(ascii: "}")) else { return nil }
        }
        guard version == Int64(schemaVersion), let site, let asset, let kind, let seq, let ts, let values else {
            return nil
        }
        return Reading(
            site: site, asset: asset, kind: kind, seq: UInt64(seq), ts: ts, source: source ?? "",
            quality: quality ?? .good, values: values, collector: collector, historical: historical ?? false)
    }

    private static func decodeValues(_ scanner: inout JSONScanner) -> Values? {
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var values = Values()
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
                        guard let jar = decodeMetrics(&scanner) else { return nil }
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

    private static func decodeMetrics(_ scanner: inout JSONScanner) -> [String: Double]? {
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var metrics: [String: Double] = [:]
        if scanner.take(UInt8(ascii: "}")) { return metrics }
        repeat {
            guard let name = scanner.identifier(), metrics[name] == nil, scanner.take(UInt8(ascii: ":")),
                let number = scanner.number()
            else { return nil }
            metrics[name] = number
        } while scanner.take(UInt8(ascii: ","))
        return scanner.take(UInt8(ascii: "}")) ? metrics : nil
    }
}
