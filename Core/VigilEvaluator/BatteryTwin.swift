/// A battery string's digital twin: each jar as an equivalent circuit (an ohmic R0 in series with
/// one R1‖C1 pair for diffusion), with an extended Kalman filter per jar that estimates its state
/// of charge during a discharge from the current it carries and the voltage it holds.
///
/// Coulomb counting alone drifts and assumes the rated capacity; the voltage alone is hidden
/// behind I·R0 and the diffusion drop. The filter weighs both, so a weak jar, whose voltage falls
/// faster than its share of the ampere-hours says, shows a lower state of charge than its
/// neighbours, which is what decides the string's runtime.
///
/// On float a jar is full; at rest off the charger its state of charge is read from the
/// open-circuit-voltage table; while recharging it is counted back up. Every completed discharge
/// leaves a summary: ampere-hours delivered and the capacity they imply.
struct BatteryTwin: Codable, Sendable, Equatable {
    struct Parameters: Sendable, Equatable {
        /// Rated capacity at the 10-hour rate, Ah.
        var capacity = 120.0
        /// Peukert exponent (VRLA AGM and gel: 1.1–1.25).
        var peukert = 1.15
        /// R0 when the reading carries no jar resistance, Ω.
        var r0 = 0.004
        /// The diffusion pair: R1 ≈ 3 mΩ, C1 ≈ 20 kF (τ = 60 s).
        var r1 = 0.003
        var c1 = 20_000.0
        /// Recharge coulombic efficiency.
        var chargeEfficiency = 0.95
    }

    struct Jar: Codable, Sendable, Equatable {
        var soc: Double
        /// Voltage across the R1‖C1 pair, V.
        var v1 = 0.0
        /// Covariance of (soc, v1), row-major.
        var p: [Double] = [0.01, 0, 0, 1e-4]
    }

    struct Discharge: Codable, Sendable, Equatable {
        var started: Int64
        var seconds = 0.0
        var ampereHours = 0.0
        /// The weakest jar's state of charge when it began, and at its latest discharging reading.
        var startSOC: Double
        var endSOC: Double?
    }

    /// What the last completed discharge delivered.
    struct Summary: Codable, Sendable, Equatable {
        var ended: Int64
        var seconds: Double
        var ampereHours: Double
        /// Fall of the weakest jar's state of charge, 0…1.
        var socDrop: Double
        /// The capacity at the 10-hour rate that the delivered charge implies, Ah; nil when the
        /// discharge was too shallow (under 10 %) to say.
        var capacity: Double?
    }

    /// What one step shows: each jar's state of charge and the voltage the model expected of it.
    struct Step: Sendable, Equatable {
        var soc: [Double]
        var expected: [Double?]
        var runtimeMinutes: Double?
    }

    var jars: [Jar] = []
    var time: Int64?
    var discharge: Discharge?
    var last: Summary?
    /// The last discharge deep enough to measure the capacity: a later shallow one (a mains blip)
    /// must not erase what it measured.
    var measured: Summary?

    /// Beyond this gap the filter's state is stale and the twin starts again from the voltages.
    static let maximumGap = 300.0
    /// Voltage noise of a jar monitor, V (1σ).
    static let voltageNoise = 0.01
    /// Summaries need this fall of state of charge, and this share of the rated capacity drawn,
    /// before they estimate a capacity (and one outside 30–150 % of rated is not believed).
    static let shallowDischarge = 0.10
}
