public import VigilModbus

/// What one device model's registers mean: a telegraf-style plugin config, one file per model.
///
/// Loaded and checked whole at start, so an overlapping or impossible entry stops the collector
/// with the file and entry named instead of publishing wrong numbers for years.
public struct RegisterMap: Sendable, Equatable {
    public var model: String
    public var entries: [Entry]
    /// Registers that may be read across between two entries to save a request; 0 reads only
    /// adjacent registers (some devices answer an illegal-address exception for unmapped ones).
    public var maximumGap: Int

    public struct Entry: Sendable, Equatable {
        public var metric: String
        public var unit: String
        public var table: ModbusConnection.Table
        public var address: Int
        public var type: ValueType
        public var wordOrder: WordOrder
        public var scaling: Scaling
        /// 1-based jar number when the value belongs to one jar of a string.
        public var jar: Int?
        /// Where it was defined, for error messages: `registers[12]` or `registers[3] jar 7`.
        public var origin: String

        /// Registers the value occupies.
        public var width: Int { type.width }
    }

    public enum ValueType: Sendable, Equatable {
        case u16, i16, u32, i32, f32
        /// One bit (0…15) of a 16-bit register, as 0 or 1.
        case bit(Int)
        /// One bit (0…31) of a 32-bit value spread over two registers (APC's UPS status).
        case bit32(Int)

        var width: Int {
            switch self {
            case .u16, .i16, .bit: 1
            case .u32, .i32, .f32, .bit32: 2
            }
        }

        var isBit: Bool {
            switch self {
            case .bit, .bit32: true
            default: false
            }
        }
    }

    /// For 32-bit values: `big` = high word first (AB CD), `little` = low word first (CD AB).
    public enum WordOrder: String, Sendable, Equatable {
        case big, little
    }

    public enum Scaling: Sendable, Equatable {
        /// value = raw × scale + offset
        case linear(scale: Double, offset: Double)
        /// value = raw / 2^bpi + offset, APC's "binary point index" (AN176).
        case binaryPoint(bpi: Int, offset: Double)

        func apply(_ raw: Double) -> Double {
            switch self {
            case .linear(let scale, let offset):
                // Devices scale by 0.1, 0.01, 0.001: dividing by 1000 gives the nearest double to
                // 13.498, multiplying by 0.001 gives 13.498000000000001 in every published payload.
                let divisor = (1 / scale).rounded()
                if abs(scale) < 1, divisor != 0, abs(1 / scale - divisor) < 1e-9 * abs(divisor) {
                    return raw / divisor + offset
                }
                return raw * scale + offset
            case .binaryPoint(let bpi, let offset): return raw / Double(1 << bpi) + offset
            }
        }
    }
}
