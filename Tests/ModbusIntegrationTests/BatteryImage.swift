import VigilTestSupport

/// The battery-monitor map's registers as a device would serve them, and the values they mean.
enum BatteryImage {
    static func jarVoltage(_ jar: Int) -> Double { 13.5 + Double(jar) / 1000 }
    static func jarTemperature(_ jar: Int) -> Double { 27.0 + Double(jar) / 10 }
    /// Jar 24 reads 70 mΩ: a 32-bit value whose high word is not zero.
    static func jarResistanceMicroohm(_ jar: Int) -> UInt32 { jar == 24 ? 70_000 : 3950 + UInt32(jar) * 10 }

    static func unit(voltageOffset: Int = 0) -> RegisterImage.Unit {
        var input: [UInt16: UInt16] = [0: UInt16(32_460 + voltageOffset), 1: UInt16(bitPattern: -15), 2: 264]
        for jar in 1...24 {
            input[UInt16(9 + jar)] = UInt16(13_500 + jar)
            input[UInt16(39 + jar)] = UInt16(270 + jar)
            let resistance = jarResistanceMicroohm(jar)
            input[UInt16(70 + 2 * (jar - 1))] = UInt16(resistance >> 16)
            input[UInt16(71 + 2 * (jar - 1))] = UInt16(resistance & 0xFFFF)
        }
        // The monitor answers for the unmapped registers in between too (max_gap in the map).
        for address in UInt16(0)...117 where input[address] == nil { input[address] = 0 }
        return RegisterImage.Unit(input: input)
    }
}
