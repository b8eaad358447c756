import VigilDomain

/// A chilled-water pump with a 4-pole motor on 50 Hz: the operating point is where the pump
/// curve `H = H0·(n/n0)² − k·Q²` meets the loop's curve `H = r·Q²` (a closed loop has no static
/// head), `r` easing as control valves open with the cooling load. Power follows from the
/// hydraulic power over a best-efficiency-point curve, the motor's temperature from its losses.
struct PumpModel {
    static let ratedSpeed = 1480.0
    static let synchronousSpeed = 1500.0
    static let ratedPower = 11.0
    static let curveDrop = 0.004_125
    static let loopResistance = 0.012_1
    static let suctionPressure = 120.0
    /// ρ·g for water, kPa per metre of head.
    static let pressurePerMetre = 9.79
    static let baseVibration = 1.9

    var scenarios: [SiteConfiguration.ScheduledScenario] = []
    /// Shut-off head at rated speed: 26 m ± 2 % between units (impeller tolerance).
    let shutOffHead: Double

    init(random: inout SplitMix64) {
        shutOffHead = 26 * (1 + Double.random(in: -0.02...0.02, using: &random))
    }

    func sample(at elapsed: Double, climate: Climate, noise: inout SplitMix64) -> Reading.Values {
        let condition = MachineCondition(scenarios, at: elapsed, baseVibration: Self.baseVibration)
        let wear = min(1.5, condition.bearingSeverity(base: Self.baseVibration))
        let resistance = Self.loopResistance * (1 + 0.5 * (0.78 - climate.coolingLoad(at: elapsed)))
        var speed = Self.ratedSpeed
        var flow = 0.0
        var head = 0.0
        var power = 0.0
        for _ in 0..<2 {
            let shutOff = shutOffHead * (speed / Self.ratedSpeed) * (speed / Self.ratedSpeed)
            flow = (shutOff / (Self.curveDrop + resistance)).squareRoot()
            head = shutOff - Self.curveDrop * flow * flow
            let efficiency = 0.78 * (1 - ((flow - 42) / 42) * ((flow - 42) / 42))
            let shaft = Self.pressurePerMetre * flow / 1000 * head / efficiency
            // Worn bearings and an unbalanced rotor waste a little shaft power as friction.
            power = shaft / 0.92 + 0.4 * wear + 0.02 * (condition.imbalance + condition.misalignment)
            // Induction-motor slip grows with load: 20 rpm below synchronous at rated power.
            speed = Self.synchronousSpeed - 20 * power / Self.ratedPower
        }
        let suction = Self.suctionPressure - 0.000_8 * flow * flow
        let discharge = suction + Self.pressurePerMetre * head
        // Copper losses go with the square of load; a failing bearing adds its own heat.
        let motor =
            climate.plantRoomTemperature(at: elapsed) + 22 * (power / Self.ratedPower) * (power / Self.ratedPower)
            + 15 * wear
        return Reading.Values(scalars: [
            "flow_lps": flow + noise.noise(0.3), "suction_pressure_kpa": suction + noise.noise(1),
            "discharge_pressure_kpa": discharge + noise.noise(2), "power_kw": power + noise.noise(0.15),
            "speed_rpm": speed + noise.noise(2), "motor_temperature_c": motor + noise.noise(0.3),
            "vibration_mm_s": condition.vibration(base: Self.baseVibration) + noise.noise(0.08),
        ])
    }

    func timeToFailure(at elapsed: Double) -> (seconds: Double, criterion: String)? {
        MachineCondition.timeToFailure(scenarios, at: elapsed, baseVibration: Self.baseVibration)
    }
}
