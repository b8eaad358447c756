import VigilDomain

#if canImport(Glibc)
    import Glibc
#endif

/// A 1,250 kW (≈ 355 TR) water-cooled centrifugal chiller on a constant-flow primary loop,
/// computed from a steady-state energy balance at each instant: the load follows the climate, the
/// cooling tower follows the wet bulb, and the compressor power follows from a Carnot cycle between
/// the evaporating and condensing saturation temperatures at a realistic second-law efficiency.
struct ChillerModel {
    static let designCapacity = 1250.0
    /// Chilled water: 50 kg/s at a 7 °C supply setpoint.
    static let chilledFlow = 50.0
    static let supplySetpoint = 7.0
    /// Condenser water: 60 kg/s from the cooling tower.
    static let condenserFlow = 60.0
    static let waterHeat = 4.19
    /// Heat rejected at design (capacity plus compressor work) and the clean condenser approach.
    static let designRejection = 1460.0
    static let cleanApproach = 1.2
    static let foulingApproach = 5.0
    static let baseVibration = 1.8
    /// 400 V supply, power factor 0.9: the phase current of a given electrical power.
    static let lineVoltage = 400.0
    static let powerFactor = 0.9

    /// Condenser UA (kW/K) clean, and the fouling resistance that brings the design approach to 5 K
    /// (ε-NTU for a condensing stream: approach = ΔT_water / (e^NTU − 1)).
    static let cleanConductance = log(1 + designWaterRise / cleanApproach) * condenserFlow * waterHeat
    static let criticalFouling =
        1 / (log(1 + designWaterRise / foulingApproach) * condenserFlow * waterHeat) - 1 / cleanConductance
    static var designWaterRise: Double { designRejection / (condenserFlow * waterHeat) }

    var scenarios: [SiteConfiguration.ScheduledScenario] = []
    /// Fixed per-unit spread of the three phase currents (CT tolerance, cable lengths).
    let phaseSpread: [Double]

    init(random: inout SplitMix64) {
        phaseSpread = (0..<3).map { _ in Double.random(in: -0.004...0.004, using: &random) }
    }

    func sample(at elapsed: Double, climate: Climate, noise: inout SplitMix64) -> Reading.Values {
        let condition = MachineCondition(scenarios, at: elapsed, baseVibration: Self.baseVibration)
        let load = climate.coolingLoad(at: elapsed) * Self.designCapacity
        // A short charge starves the evaporator: capacity, suction and efficiency fall together.
        let starvation = min(1, max(0, (condition.chargeLoss - 0.03) / 0.22))
        let available = Self.designCapacity * 1.05 * (1 - 0.45 * starvation)
        let cooling = min(load, available)
        let chilledCapacityRate = Self.chilledFlow * Self.waterHeat
        // Unmet load warms the loop until the chiller's capacity matches what it can remove.
        let supply = Self.supplySetpoint + (load - cooling) / chilledCapacityRate
        let returnTemperature = supply + cooling / chilledCapacityRate
        let wetBulb = climate.wetBulb(at: elapsed)
        let fraction = cooling / Self.designCapacity
        let condenserIn = max(21, wetBulb + 3.5 * (0.5 + 0.5 * fraction))
        let evaporating = supply - 1.6 * fraction - 6 * starvation
        let conductance = 1 / (1 / Self.cleanConductance + condition.fouling * Self.criticalFouling)
        let ntu = conductance / (Self.condenserFlow * Self.waterHeat)
        // Second-law efficiency: best near 75 % load, worse with a starved evaporator or a worn bearing.
        let secondLaw =
            0.62 * (1 - 0.35 * (fraction - 0.75) * (fraction - 0.75)) * (1 - 0.3 * starvation)
            * (1 - 0.02 * min(1, condition.bearingSeverity(base: Self.baseVibration)))
        var power = cooling / 5.5
        var condenserOut = condenserIn
        var condensing = condenserIn
        for _ in 0..<4 {
            let rise = (cooling + power) / (Self.condenserFlow * Self.waterHeat)
            condenserOut = condenserIn + rise
            condensing = condenserOut + rise / (exp(ntu) - 1) - 2.5 * starvation
            let carnot = (evaporating + 273.15) / max(5, condensing - evaporating)
            power = cooling / (secondLaw * carnot)
        }
        let current = power * 1000 / (3.0.squareRoot() * Self.lineVoltage * Self.powerFactor)
        let unbalance = condition.unbalance
        let phases = [
            current * (1 - unbalance / 2 + phaseSpread[0]), current * (1 - unbalance / 2 + phaseSpread[1]),
            current * (1 + unbalance + phaseSpread[2]),
        ]
        return Reading.Values(
            scalars: [
                "chw_supply_c": supply + noise.noise(0.05), "chw_return_c": returnTemperature + noise.noise(0.05),
                "cdw_in_c": condenserIn + noise.noise(0.05), "cdw_out_c": condenserOut + noise.noise(0.05),
                "refrigerant_sat_c": condensing + noise.noise(0.1), "evaporator_sat_c": evaporating + noise.noise(0.1),
                "power_kw": power + noise.noise(1.5),
                "flow_lps": Self.chilledFlow + noise.noise(0.3),
                "vibration_mm_s": condition.vibration(base: Self.baseVibration) + noise.noise(0.08),
            ],
            series: ["phase_current_a": phases.map { $0 + noise.noise(1.5) }])
    }

    func timeToFailure(at elapsed: Double) -> (seconds: Double, criterion: String)? {
        MachineCondition.timeToFailure(scenarios, at: elapsed, baseVibration: Self.baseVibration)
    }
}
