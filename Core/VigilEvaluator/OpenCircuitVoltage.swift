/// A rested 12 V VRLA jar's open-circuit voltage against its state of charge: the one relation
/// that ties a voltage to the charge left, and so what corrects the twin's coulomb count.
///
/// The points are the "Gel" columns at 26.7 °C of the shared data set `ocv_soc_temp_12v.csv`
/// (gel and AGM jars both rest near 12.8 V full). Across −18…49 °C that data set moves by less
/// than 0.15 V, mostly below 5 °C; a linear 1 mV/K is close enough in a battery room.
enum OpenCircuitVoltage {
    /// Volts at 0, 25, 50, 75 and 100 % state of charge.
    static let points: [Double] = [11.800, 12.000, 12.400, 12.600, 12.800]
    static let perKelvin = 0.001
    static let referenceCelsius = 26.7

    static func volts(soc: Double, celsius: Double) -> Double {
        let s = min(1, max(0, soc)) * 4
        let segment = min(3, Int(s))
        let fraction = s - Double(segment)
        return points[segment] + (points[segment + 1] - points[segment]) * fraction
            + perKelvin * (celsius - referenceCelsius)
    }

    /// dV/dSOC: the slope of the segment `soc` lies on.
    static func slope(soc: Double) -> Double {
        let segment = min(3, Int(min(1, max(0, soc)) * 4))
        return (points[segment + 1] - points[segment]) * 4
    }

    /// The state of charge whose rested voltage is `volts`, clamped to 0…1.
    static func soc(volts: Double, celsius: Double) -> Double {
        let v = volts - perKelvin * (celsius - referenceCelsius)
        if v <= points[0] { return 0 }
        for segment in 0..<4 where v <= points[segment + 1] {
            return (Double(segment) + (v - points[segment]) / (points[segment + 1] - points[segment])) / 4
        }
        return 1
    }
}
