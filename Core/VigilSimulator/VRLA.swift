#if canImport(Glibc)
    import Glibc
#endif

/// The electrochemistry of one 12 V, 120 Ah valve-regulated lead-acid jar (six 2 V cells), as
/// constants and closed forms the string model builds on. Every number says where it comes from.
enum VRLA {
    /// Rated capacity at the 10-hour rate (C10): what UPS datasheets quote for 120 Ah jars.
    static let capacityAh = 120.0
    /// The 10-hour current C10/10; Peukert's law is referred to it.
    static let tenHourCurrent = 12.0
    /// Float 2.25 V per cell at 25 °C, the middle of the usual 2.23–2.27 V/cell window.
    static let floatVoltage = 13.5
    /// −3 mV/°C per cell (−18 mV/°C per jar): the compensation manufacturers ask of the charger so
    /// the float current, which doubles every ~10 °C at a fixed voltage, stays put.
    static let compensationSlope = -0.018
    /// Chargers stop compensating outside a window so a broken sensor cannot over- or under-float.
    static let compensationWindow = 0.0...45.0
    /// Ohmic resistance of a new 120 Ah jar (typical 3.5–4.5 mΩ); each jar gets its own ±10 %.
    static let newResistanceMilliohm = 4.0
    static let resistanceSpread = 0.10
    /// The Arrhenius rule for lead-acid corrosion: the ageing rate doubles for every 9 °C above
    /// 25 °C (Eurobat / IEEE 1187 quote 8–10 °C, i.e. an activation energy near 0.58 eV).
    static let agingDoublingCelsius = 9.0
    /// Peukert exponent for VRLA AGM/gel jars (1.1–1.25).
    static let peukertExponent = 1.15
    /// Float current of a healthy jar: about 1 mA per Ah at 25 °C and 2.25 V/cell.
    static let floatCurrent = 0.12
    /// Tafel slope of the float (oxygen-recombination) current: ~0.1 V/decade per cell, 0.6 per jar.
    static let tafelSlope = 0.6
    /// Float current at a fixed voltage doubles every ~10 °C.
    static let floatCurrentDoublingCelsius = 10.0
    /// UPS chargers limit recharge to about 0.1 C10.
    static let rechargeCurrentLimit = 12.0
    /// Coulombic efficiency of recharge; the rest goes to gassing and recombination.
    static let chargeEfficiency = 0.95
    /// The UPS drops the load at 1.75 V/cell to protect the jars from deep discharge.
    static let endOfDischargeVoltage = 10.5
    /// IEEE 1188: replace a VRLA jar when its capacity falls below 80 % of rated.
    static let endOfLife = 0.8
    /// Seconds in a Julian year; ageing rates are per year.
    static let year = 31_557_600.0

    /// Ageing rate relative to 25 °C: `2^((T − 25)/9)`.
    static func agingFactor(celsius: Double) -> Double {
        exp2((celsius - 25) / agingDoublingCelsius)
    }

    /// The float voltage per jar a compensating charger applies when its sensor reads `celsius`.
    static func compensatedFloat(sensed celsius: Double) -> Double {
        let clamped = min(compensationWindow.upperBound, max(compensationWindow.lowerBound, celsius))
        return floatVoltage + compensationSlope * (clamped - 25)
    }

    /// Peukert's law: at `current` A a jar empties as if `I10 · (I/I10)^k` were drawn at the
    /// 10-hour rate, so high-rate discharges deliver fewer ampere-hours.
    static func peukertCurrent(_ current: Double) -> Double {
        guard current > 0 else { return current }
        return tenHourCurrent * pow(current / tenHourCurrent, peukertExponent)
    }

    /// Charge overpotential while the charger is in current limit: small when empty, climbing
    /// steeply as the plates fill, so the terminal voltage meets float at about 90 % SOC.
    static func chargeOverpotential(soc: Double) -> Double {
        0.1 + 0.9 * pow(min(1, max(0, soc)), 4)
    }

    /// Extra resistance as the acid near the plates runs out (the knee of a discharge curve).
    static func kneeResistanceOhm(soc: Double) -> Double {
        let depth = max(0, (0.25 - soc) / 0.25)
        return 0.25 / tenHourCurrent * depth * depth
    }

    /// Open-circuit voltage of a rested jar, interpolated bilinearly in the shared data set
    /// `ocv_soc_temp_12v.csv` (its "Gel" columns: gel and AGM are both VRLA, and they rest near
    /// 12.8 V full, unlike flooded jars).
    static func openCircuitVoltage(soc: Double, celsius: Double) -> Double {
        let temperatures = ocvTemperatures
        let t = min(temperatures[temperatures.count - 1], max(temperatures[0], celsius))
        var row = 0
        while row < temperatures.count - 2 && t > temperatures[row + 1] { row += 1 }
        let tFraction = (t - temperatures[row]) / (temperatures[row + 1] - temperatures[row])
        let s = min(1, max(0, soc)) * 4
        let column = min(3, Int(s))
        let sFraction = s - Double(column)
        func at(_ r: Int) -> Double {
            ocvTable[r][column] + (ocvTable[r][column + 1] - ocvTable[r][column]) * sFraction
        }
        return at(row) + (at(row + 1) - at(row)) * tFraction
    }

    /// Temperatures of the table rows, °C (the data set's Fahrenheit rows, ascending).
    private static let ocvTemperatures = [
        -17.8, -12.2, -6.7, -1.1, 4.4, 10.0, 15.6, 21.1, 26.7, 32.2, 37.8, 43.3, 48.9,
    ]
    /// Open-circuit volts at 0, 25, 50, 75 and 100 % SOC for each temperature row.
    private static let ocvTable: [[Double]] = [
        [11.666, 11.866, 12.266, 12.466, 12.666],
        [11.692, 11.892, 12.292, 12.492, 12.692],
        [11.716, 11.916, 12.316, 12.516, 12.716],
        [11.738, 11.938, 12.338, 12.538, 12.738],
        [11.756, 11.956, 12.356, 12.556, 12.756],
        [11.772, 11.972, 12.372, 12.572, 12.772],
        [11.784, 11.984, 12.384, 12.584, 12.784],
        [11.793, 11.993, 12.393, 12.593, 12.793],
        [11.800, 12.000, 12.400, 12.600, 12.800],
        [11.805, 12.005, 12.405, 12.605, 12.805],
        [11.808, 12.008, 12.408, 12.608, 12.808],
        [11.811, 12.011, 12.411, 12.611, 12.811],
        [11.813, 12.013, 12.413, 12.613, 12.813],
    ]
}
