public import VigilDomain

extension RegisterDecoder {
    /// Where each value sits in the `values` object, sorted as the standard encoder sorts keys.
    struct JSONLayout: Sendable {
        enum Member: Sendable {
            /// `key` is `"metric":` as bytes, prepared once.
            case scalar(key: [UInt8], entry: Int)
            /// Per jar, the entry of each jar metric (keys sorted by name), or nil where the map has none.
            case jars(keys: [[UInt8]], entries: [[Int?]])
        }

        /// Everything needed to write one value, without the entry's strings (no reference counting
        /// on the hot path).
        struct Slot: Sendable {
            var type: RegisterMap.ValueType
            var wordOrder: RegisterMap.WordOrder
            var scaling: RegisterMap.Scaling
            var range: Int
            var offset: Int
            /// Decimal places when the value is an integer register divided by a power of ten: it
            /// is then written exactly from the integer, without a floating-point formatter.
            var places: Int?
        }

        let members: [Member]
        let slots: [Slot]

        init(map: RegisterMap, plan: ReadPlan) {
            var locations = [(range: Int, offset: Int)](repeating: (0, 0), count: map.entries.count)
            for (rangeIndex, range) in plan.ranges.enumerated() {
                for index in range.entries {
                    locations[index] = (rangeIndex, map.entries[index].address - range.address)
                }
            }
            var members: [(String, Member)] = []
            for (index, entry) in map.entries.enumerated() where entry.jar == nil {
                members.append((entry.metric, .scalar(key: Self.key(entry.metric), entry: index)))
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
                members.append(("jars", .jars(keys: metrics.map(Self.key), entries: table)))
            }
            self.members = members.sorted { $0.0 < $1.0 }.map(\.1)
            let places: [Int?] = map.entries.map { entry in
                switch (entry.type, entry.scaling) {
                case (.u16, .linear(let scale, 0)), (.i16, .linear(let scale, 0)), (.u32, .linear(let scale, 0)),
                    (.i32, .linear(let scale, 0)):
                    for places in 0...6 where abs(scale * pow10(places) - 1) < 1e-12 { return places }
                    return nil
                case (.bit, _), (.bit32, _): return 0
                default: return nil
                }
            }
            slots = map.entries.indices.map { index in
                let entry = map.entries[index]
                return Slot(
                    type: entry.type, wordOrder: entry.wordOrder, scaling: entry.scaling, range: locations[index].range,
                    offset: locations[index].offset, places: places[index])
            }
        }

        static func key(_ name: String) -> [UInt8] {
            var writer = JSONWriter(capacity: name.utf8.count + 3)
            writer.key(name)
            return writer.bytes
        }
    }

    /// A complete poll as reading JSON, written straight from the registers: the collector's hot
    /// path. Returns nil when a value is not finite, so the caller falls back to `decode`, which
    /// leaves such values out and counts them.
    public func encodedReading(
        envelope: Reading.Envelope, seq: UInt64, ts: Timestamp, registers: [[UInt16]]
    ) -> [UInt8]? {
        var finite = true
        func write(_ index: Int, _ writer: inout JSONWriter) {
            let slot = layout.slots[index]
            let raw = Self.raw(slot.type, slot.wordOrder, registers[slot.range], at: slot.offset)
            if let places = slot.places {
                writer.decimal(Int64(raw), places: places)
                return
            }
            let value = slot.scaling.apply(raw)
            if !value.isFinite { finite = false }
            writer.number(value.isFinite ? value : 0)
        }
        let bytes = envelope.encode(seq: seq, ts: ts, quality: .good, capacity: 256 + map.entries.count * 26) {
            writer in
            for (position, member) in layout.members.enumerated() {
                if position > 0 { writer.comma() }
                switch member {
                case .scalar(let key, let entry):
                    writer.raw(bytes: key)
                    write(entry, &writer)
                case .jars(let keys, let table):
                    writer.key("jars")
                    writer.raw("[")
                    for (jar, entries) in table.enumerated() {
                        if jar > 0 { writer.comma() }
                        writer.raw("{")
                        var first = true
                        for (key, entry) in zip(keys, entries) {
                            guard let entry else { continue }
                            if !first { writer.comma() }
                            first = false
                            writer.raw(bytes: key)
                            write(entry, &writer)
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

private func pow10(_ places: Int) -> Double {
    var result = 1.0
    for _ in 0..<places { result *= 10 }
    return result
}
