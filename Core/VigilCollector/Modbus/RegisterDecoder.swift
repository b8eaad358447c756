public import VigilDomain

/// Turns the registers a poll read into named, scaled values. Pure: registers in, values out.
public struct RegisterDecoder: Sendable {
    public let map: RegisterMap
    public let plan: ReadPlan
    let layout: JSONLayout

    public init(map: RegisterMap) {
        self.map = map
        plan = ReadPlan(map)
        layout = JSONLayout(map: map, plan: plan)
    }

    public struct Result: Sendable, Equatable {
        public var values: Reading.Values
        /// Entries whose raw value could not be a number (an f32 NaN or infinity from the device).
        public var invalid: [String]
    }

    /// - Parameter registers: per range of `plan`, the registers read, or nil when that read failed.
    public func decode(_ registers: [[UInt16]?]) -> Result {
        var values = Reading.Values()
        var invalid: [String] = []
        for (range, words) in zip(plan.ranges, registers) {
            guard let words else { continue }
            for index in range.entries {
                let entry = map.entries[index]
                let offset = entry.address - range.address
                let raw = Self.raw(entry, words, at: offset)
                let value = entry.type.isBit ? raw : entry.scaling.apply(raw)
                guard value.isFinite else {
                    invalid.append(entry.origin)
                    continue
                }
                if let jar = entry.jar {
                    while values.jars.count < jar { values.jars.append([:]) }
                    values.jars[jar - 1][entry.metric] = value
                } else {
                    values.scalars[entry.metric] = value
                }
            }
        }
        return Result(values: values, invalid: invalid)
    }

    static func raw(_ entry: RegisterMap.Entry, _ words: [UInt16], at offset: Int) -> Double {
        raw(entry.type, entry.wordOrder, words, at: offset)
    }

    static func raw(
        _ type: RegisterMap.ValueType, _ wordOrder: RegisterMap.WordOrder, _ words: [UInt16], at offset: Int
    ) -> Double {
        func combined() -> UInt32 {
            let (high, low) =
                wordOrder == .big ? (words[offset], words[offset + 1]) : (words[offset + 1], words[offset])
            return UInt32(high) << 16 | UInt32(low)
        }
        switch type {
        case .u16: return Double(words[offset])
        case .i16: return Double(Int16(bitPattern: words[offset]))
        case .u32: return Double(combined())
        case .i32: return Double(Int32(bitPattern: combined()))
        case .f32:
            // The float the device meant (13.1), not its widened double (13.100000381469727).
            let float = Float(bitPattern: combined())
            return float.isFinite ? Double(float.description) ?? Double(float) : Double(float)
        case .bit(let bit): return Double((words[offset] >> UInt16(bit)) & 1)
        case .bit32(let bit): return Double((combined() >> UInt32(bit)) & 1)
        }
    }
}
