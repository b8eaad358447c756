public import VigilModbus

/// The requests one poll of a device makes: neighbouring registers merged into range reads of
/// at most 125 registers, so a 75-register battery map costs one round trip, not 75.
public struct ReadPlan: Sendable, Equatable {
    public struct Range: Sendable, Equatable {
        public var table: ModbusConnection.Table
        public var address: Int
        public var count: Int
        /// Indexes into the map's entries that this range carries.
        public var entries: [Int]
    }

    public var ranges: [Range]

    public init(_ map: RegisterMap, maximumCount: Int = ModbusConnection.maximumRegistersPerRead) {
        let order = map.entries.indices.sorted {
            (map.entries[$0].table, map.entries[$0].address) < (map.entries[$1].table, map.entries[$1].address)
        }
        var ranges: [Range] = []
        for index in order {
            let entry = map.entries[index]
            let end = entry.address + entry.width
            if var last = ranges.last, last.table == entry.table,
                entry.address <= last.address + last.count + map.maximumGap,
                max(end, last.address + last.count) - last.address <= maximumCount
            {
                last.count = max(end, last.address + last.count) - last.address
                last.entries.append(index)
                ranges[ranges.count - 1] = last
            } else {
                ranges.append(Range(table: entry.table, address: entry.address, count: entry.width, entries: [index]))
            }
        }
        self.ranges = ranges
    }
}
