public import VigilDomain

extension RegisterDecoder {
    /// Where each value sits in the `values` object, sorted as the standard encoder sorts keys.
    struct JSONLayout: Sendable {
        enum Member: Sendable {
            case scalar(name: String, entry: Int)
            /// Per jar, the entry of each jar metric (sorted by name), or nil where the map has none.
            case jars(metrics: [String], entries: [[Int?]])
        }

        let members: [Member]
        /// Per entry: which planned range holds it, and at what offset.
        let locations: [(range: Int, offset: Int)]

        init(map: RegisterMap, plan: ReadPlan) {
            var locations = [(range: Int, offset: Int)](repeating: (0, 0), count: map.entries.count)
            for (rangeIndex, range) in plan.ranges.enumerated() {
                for index in range.entries {
                    locations[index] = (rangeIndex, map.entries[index].address - range.address)
                }
            }
            self.locations = locations
            var members: [(String, Member)] = []
            for (index, entry) in map.entries.enumerated() where entry.jar == nil {
                members.append((entry.metric, .scalar(name: entry.metric, entry: index)))
            }
            let jarEntries = map.entries.indices.filter { map.entries[$0].jar != nil }
            if !jarEntries.isEmpty {
                let metrics = Set(jarEntries.map { map.entries[$0].metric }).sorted()
                let jarCount = jarEntries.map { map.entries[$0].jar! }.max()!
                var table = [[Int?]](repeating: [Int?](repeating: nil, count: metrics.count), count: jarCount)
                for index in jarEntries {
                    let entry = map.entries[index]
                    table[entry.jar! - 1][metrics.firstIndex(of: entry.metric)!] = index
                }
                members.append(("jars", .jars(metrics: metrics, entries: table)))
            }
            self.members = members.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// A complete poll as reading JSON, written straight from the registers: the collector's hot
    /// path. Returns nil when a value is not finite, so the caller falls back to `decode`, which
    /// leaves such values out and counts them.
    public func encodedReading(
        site: TopicLevel, asset: TopicLevel, kind: AssetKind, seq: UInt64, ts: Timestamp, source: String,
        registers: [[UInt16]]
    ) -> [UInt8]? {
        var finite = true
        func value(_ index: Int) -> Double {
            let entry = map.entries[index]
            let (range, offset) = layout.locations[index]
            let raw = Self.raw(entry, registers[range], at: offset)
            let value = entry.type.isBit ? raw : entry.scaling.apply(raw)
            if !value.isFinite { finite = false }
            return value.isFinite ? value : 0
        }
        let bytes = Reading.encodedJSON(
            site: site, asset: asset, kind: kind, seq: seq, ts: ts, source: source, quality: .good,
            capacity: 256 + map.entries.count * 26
        ) { writer in
            for (position, member) in layout.members.enumerated() {
                if position > 0 { writer.comma() }
                switch member {
                case .scalar(let name, let entry):
                    writer.key(name)
                    writer.number(value(entry))
                case .jars(let metrics, let table):
                    writer.key("jars")
                    writer.raw("[")
                    for (jar, entries) in table.enumerated() {
                        if jar > 0 { writer.comma() }
                        writer.raw("{")
                        var first = true
                        for (metric, entry) in zip(metrics, entries) {
                            guard let entry else { continue }
                            if !first { writer.comma() }
                            first = false
                            writer.key(metric)
                            writer.number(value(entry))
                        }
                        writer.raw("}")
                    }
                    writer.raw("]")
                }
            }
        }
        return finite ? bytes : nil
    }
}
