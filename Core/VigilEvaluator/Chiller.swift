import VigilDomain

/// What one reading of a water-cooled chiller says beyond each value's own limits: its water-side
/// energy balance (ΔT, cooling, tons, kW/ton, COP), its approaches, and its phase balance.
/// Pure: the same reading always gives the same answer.
struct Chiller: Sendable, Equatable {
    var supply: Double?
    var returnTemperature: Double?
    var condenserIn: Double?
    var condenserOut: Double?
    /// The condensing saturation temperature (the refrigerant's, from its pressure).
    var condensing: Double?
    /// The evaporating saturation temperature (from the suction pressure).
    var evaporating: Double?
    var power: Double?
    /// Chilled water, litres (≈ kilograms) a second.
    var flow: Double?
    var phaseCurrents: [Double]
    var phaseVoltages: [Double]

    /// Water's specific heat, kJ/(kg·K), and kW in one ton of refrigeration.
    static let waterHeat = 4.19
    static let kilowattsPerTon = 3.517
    /// Sensors this far the wrong way round cannot be noise (±0.05 K typical of a PT1000 pair).
    static let crossedTolerance = 0.3
    /// Below this much cooling the ratios (kW/ton, COP) are noise over noise: not computed.
    static let minimumCooling = 20.0
    /// NEMA MG 1: voltage unbalance over 1 % derates a motor, over 2 % needs action. Current
    /// unbalance runs six to ten times the voltage's, so currents are judged at 5 % and 10 %.
    static let voltageImbalance = (warning: 1.0, critical: 2.0)
    static let currentImbalance = (warning: 5.0, critical: 10.0)
    /// Currents below this are mostly sensor noise; their balance is not judged.
    static let minimumPhaseCurrent = 50.0

    init(_ values: Reading.Values) {
        supply = values.scalars["chw_supply_c"]
        returnTemperature = values.scalars["chw_return_c"]
        condenserIn = values.scalars["cdw_in_c"]
        condenserOut = values.scalars["cdw_out_c"]
        condensing = values.scalars["refrigerant_sat_c"]
        evaporating = values.scalars["evaporator_sat_c"]
        power = values.scalars["power_kw"]
        flow = values.scalars["flow_lps"]
        phaseCurrents = values.series["phase_current_a"] ?? []
        phaseVoltages = values.series["phase_voltage_v"] ?? []
    }

    /// Chilled-water ΔT, return minus supply.
    var deltaT: Double? {
        guard let supply, let returnTemperature else { return nil }
        return returnTemperature - supply
    }

    /// Heat removed from the chilled water, kW.
    var cooling: Double? {
        guard let deltaT, let flow else { return nil }
        return flow * Self.waterHeat * deltaT
    }

    var tons: Double? { cooling.map { $0 / Self.kilowattsPerTon } }

    var kilowattsPerTon: Double? {
        guard let cooling, cooling >= Self.minimumCooling, let tons, let power else { return nil }
        return power / tons
    }

    var coefficientOfPerformance: Double? {
        guard let cooling, cooling >= Self.minimumCooling, let power, power > 0 else { return nil }
        return cooling / power
    }

    /// Condensing temperature over the leaving condenser water: fouled tubes raise it.
    var condenserApproach: Double? {
        guard let condensing, let condenserOut else { return nil }
        return condensing - condenserOut
    }

    /// Leaving chilled water over the evaporating temperature: fouled evaporator tubes or a short
    /// refrigerant charge raise it.
    var evaporatorApproach: Double? {
        guard let supply, let evaporating else { return nil }
        return supply - evaporating
    }

    /// NEMA unbalance: the largest deviation from the phases' mean, over the mean, in percent.
    static func imbalance(_ phases: [Double]) -> Double? {
        guard phases.count >= 2 else { return nil }
        let mean = phases.reduce(0, +) / Double(phases.count)
        guard mean > 0 else { return nil }
        return phases.map { abs($0 - mean) }.max()! / mean * 100
    }
}
