import VigilDomain

/// What one reading of a VRLA string says beyond each value's own limits: whether its jars and its
/// terminals agree, where the charger should hold it at this temperature, and which jar strays from
/// its neighbours. Pure: the same reading always gives the same answer.
///
/// The string sensor sits at the terminals, so the jars' sum and the string voltage differ by the
/// current through the inter-jar links. At rest (float current, a fraction of an ampere) they must
/// agree: a difference there is a sense-lead fault, and the reading is refused. Under real current
/// the difference is the links' resistance, which is an equipment fault worth an alarm, not a
/// reason to throw the reading away.
struct VRLAString: Sendable, Equatable {
    struct Jar: Sendable, Equatable {
        var voltage: Double?
        var temperature: Double?
        var resistance: Double?
    }

    var stringVoltage: Double?
    /// Positive while the string discharges.
    var current: Double?
    var ambient: Double?
    var jars: [Jar]

    /// Below this the string is on float (or idle): the links carry too little current to drop a
    /// measurable voltage.
    static let restCurrent = 2.0
    /// The links' resistance is judged only above this current: at 10 A the jars' 5 mV noise
    /// amounts to a few milliohms.
    static let measurableCurrent = 10.0
    /// The charger's float target per 12 V jar at 25 °C, and its compensation slope.
    static let floatAt25 = 13.5
    static let compensationPerKelvin = -0.018

    init(_ values: Reading.Values) {
        stringVoltage = values.scalars["string_voltage_v"]
        current = values.scalars["string_current_a"]
        ambient = values.scalars["ambient_temperature_c"]
        jars = values.jars.map {
            Jar(voltage: $0["voltage_v"], temperature: $0["temperature_c"], resistance: $0["resistance_mohm"])
        }
    }

    init(stringVoltage: Double?, current: Double?, ambient: Double?, jars: [Jar]) {
        self.stringVoltage = stringVoltage
        self.current = current
        self.ambient = ambient
        self.jars = jars
    }

    /// The temperature-compensated float voltage of one jar: 13.5 V − 0.018 V/K × (T − 25 °C), with T
    /// held to 5–40 °C as chargers do, so a cold room or a failed sensor cannot push the string to
    /// a damaging voltage.
    static func floatTarget(celsius: Double) -> Double {
        floatAt25 + compensationPerKelvin * (min(max(celsius, 5), 40) - 25)
    }

    /// Known to be at rest: without a current sensor the checks that need certainty are skipped.
    var isAtRest: Bool { current.map { abs($0) < Self.restCurrent } ?? false }

    /// Whether the float window applies. Without a current sensor a string is taken to float,
    /// where it spends nearly all its life.
    static func floats(current: Double?) -> Bool { current.map { abs($0) < restCurrent } ?? true }

    /// 1.75 V/cell: UPSs drop the load here, and a jar driven below it risks cell reversal.
    static let endOfDischarge = 10.5

    /// Every jar's voltage, or nil when one is missing: a partial sum says nothing.
    var jarSum: Double? {
        guard !jars.isEmpty else { return nil }
        var sum = 0.0
        for jar in jars {
            guard let voltage = jar.voltage else { return nil }
            sum += voltage
        }
        return sum
    }

    /// The jars' sum minus the terminal voltage; the links' drop while current flows.
    var linkDrop: Double? {
        guard let sum = jarSum, let stringVoltage else { return nil }
        return sum - stringVoltage
    }

    /// How far apart the jars' sum and the terminals may be at rest: the terminal sensor's and the
    /// jars' own accuracy, about 2 % of the string.
    var restTolerance: Double { max(1.0, 0.02 * (jarSum ?? 0)) }

    /// The links' resistance in ohms, when the current is large enough to measure it.
    var linkResistance: Double? {
        guard let drop = linkDrop, let current, abs(current) >= Self.measurableCurrent else { return nil }
        return drop / current
    }

    func mean(_ value: KeyPath<Jar, Double?>) -> Double? {
        let values = jars.compactMap { $0[keyPath: value] }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Each jar's difference from the string's mean (nil where the jar lacks the value).
    func deviations(_ value: KeyPath<Jar, Double?>) -> [Double?] {
        guard let mean = mean(value) else { return jars.map { _ in nil } }
        return jars.map { $0[keyPath: value].map { $0 - mean } }
    }

    /// The string's float target at the room temperature, which is what the charger's sensor reads.
    var stringFloatTarget: Double? {
        guard !jars.isEmpty else { return nil }
        return ambient.map { Self.floatTarget(celsius: $0) * Double(jars.count) }
    }
}
