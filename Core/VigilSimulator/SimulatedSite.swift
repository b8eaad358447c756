public import VigilDomain

#if canImport(Glibc)
    import Glibc
#endif

/// A small plant room that behaves like a real one: two UPS battery strings of 24 VRLA jars,
/// one chiller and two pumps, with faults scripted on a timeline.
///
/// Time is an input (seconds since the simulation started), so tests can ask for minute 5
/// without waiting five minutes, and a given seed always yields the same site.
public struct SimulatedSite: Sendable {
    public struct Asset: Sendable, Equatable {
        public let id: TopicLevel
        public let kind: AssetKind
    }

    public struct Sample: Sendable, Equatable {
        public let asset: TopicLevel
        public let kind: AssetKind
        public let values: Reading.Values
    }

    public static let jarsPerString = 24
    /// Jar 7 of the first string is failing: its resistance and temperature climb and its
    /// voltage sags, crossing the warning limits within about 20 s and critical within a minute.
    public static let failingString = try! TopicLevel("ups1-str01")
    public static let failingJar = 7
    /// Pump 2 has a loose mounting: vibration episodes of 30 s every 120 s, starting at 40 s,
    /// so an alarm is raised and cleared again while someone watches.
    public static let vibratingPump = try! TopicLevel("pump-2")

    public let assets: [Asset]
    private var random: SplitMix64
    private let jarOffsets: [[Double]]

    public init(seed: UInt64 = 42) {
        assets = [
            Asset(id: try! TopicLevel("ups1-str01"), kind: .vrlaString),
            Asset(id: try! TopicLevel("ups1-str02"), kind: .vrlaString),
            Asset(id: try! TopicLevel("chiller-1"), kind: .chiller),
            Asset(id: try! TopicLevel("pump-1"), kind: .pump),
            Asset(id: try! TopicLevel("pump-2"), kind: .pump),
        ]
        var generator = SplitMix64(seed: seed)
        var offsets: [[Double]] = []
        for _ in 0..<2 {
            var string: [Double] = []
            for _ in 0..<Self.jarsPerString { string.append(Double.random(in: -0.15...0.15, using: &generator)) }
            offsets.append(string)
        }
        jarOffsets = offsets
        random = generator
    }

    /// One sample of every asset at `elapsed` seconds into the simulation.
    public mutating func sample(elapsed: Double) -> [Sample] {
        var samples: [Sample] = []
        samples.reserveCapacity(assets.count)
        for (index, asset) in assets.enumerated() {
            let values: Reading.Values
            switch asset.kind {
            case .vrlaString: values = battery(string: index, failing: asset.id == Self.failingString, elapsed: elapsed)
            case .chiller: values = chiller(elapsed: elapsed)
            default: values = pump(vibrating: asset.id == Self.vibratingPump, elapsed: elapsed)
            }
            samples.append(Sample(asset: asset.id, kind: asset.kind, values: values))
        }
        return samples
    }

    /// How far jar 7's failure has progressed, 0…1, reaching 1 after 60 s.
    static func failureProgress(elapsed: Double) -> Double { min(1, max(0, elapsed / 60)) }

    static func vibrationEpisode(elapsed: Double) -> Bool {
        elapsed >= 40 && (elapsed - 40).truncatingRemainder(dividingBy: 120) < 30
    }

    private mutating func battery(string: Int, failing: Bool, elapsed: Double) -> Reading.Values {
        let ambient = 24.0 + 0.5 * sin(elapsed / 600) + random.noise(0.05)
        var jars: [[String: Double]] = []
        var stringVoltage = 0.0
        for jar in 0..<Self.jarsPerString {
            var voltage = 13.5 + jarOffsets[string][jar] * 0.2 + random.noise(0.01)
            var temperature = ambient + 1.0 + random.noise(0.1)
            var resistance = 3.9 + jarOffsets[string][jar] + random.noise(0.02)
            if failing && jar + 1 == Self.failingJar {
                let progress = Self.failureProgress(elapsed: elapsed)
                resistance += 2.6 * progress
                temperature += 8 * progress
                voltage -= 0.75 * progress
            }
            stringVoltage += voltage
            jars.append(["voltage_v": voltage, "temperature_c": temperature, "resistance_mohm": resistance])
        }
        return Reading.Values(
            scalars: [
                "string_voltage_v": stringVoltage, "string_current_a": 0.15 + random.noise(0.02),
                "ambient_temperature_c": ambient,
            ], jars: jars)
    }

    private mutating func chiller(elapsed: Double) -> Reading.Values {
        let load = 0.8 + 0.1 * sin(elapsed / 900)
        let supply = 6.8 + random.noise(0.05)
        let returnTemperature = supply + 5.5 * load + random.noise(0.05)
        let condenserIn = 29.5 + random.noise(0.05)
        return Reading.Values(
            scalars: [
                "chw_supply_c": supply, "chw_return_c": returnTemperature, "cdw_in_c": condenserIn,
                "cdw_out_c": condenserIn + 5.2 * load, "refrigerant_sat_c": 36.6 + random.noise(0.1),
                "power_kw": 350 * load + random.noise(2), "flow_lps": 42 + random.noise(0.3),
                "vibration_mm_s": 2.1 + random.noise(0.1),
            ],
            series: ["phase_current_a": (0..<3).map { _ in 500 * load + random.noise(3) }])
    }

    private mutating func pump(vibrating: Bool, elapsed: Double) -> Reading.Values {
        let episode = vibrating && Self.vibrationEpisode(elapsed: elapsed)
        return Reading.Values(scalars: [
            "flow_lps": 40 + random.noise(0.3), "suction_pressure_kpa": 120 + random.noise(1),
            "discharge_pressure_kpa": 310 + random.noise(2), "power_kw": 15 + random.noise(0.2),
            "speed_rpm": 1480 + random.noise(3), "motor_temperature_c": 55 + random.noise(0.3),
            "vibration_mm_s": (episode ? 5.8 : 2.0) + random.noise(0.1),
        ])
    }
}
