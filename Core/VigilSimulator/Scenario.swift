public import VigilDomain

/// A failure mode that can be started on one asset at a given simulated time, so a test (or a
/// demonstration) knows exactly what went wrong and when.
///
/// Progressive faults take the time, from their start, until the ground-truth failure criterion
/// is met, so the truth is known exactly and a predictor's remaining-useful-life can be scored.
public enum Scenario: Sendable, Equatable, Hashable {
    // Battery strings.

    /// Demonstration only: a jar whose resistance climbs to 6.5 mΩ, voltage sags 0.75 V and
    /// temperature rises 8 °C within 60 s, far faster than any real jar, so `make run` raises
    /// alarms while somebody watches.
    case demoJarFailure(jar: Int)
    /// Thermal runaway of one jar (1-based): heat from the recombination current grows faster
    /// than the jar can shed it, so its temperature runs away in finite time (`hours` until the
    /// curve would diverge) and the string's float current climbs with it.
    case thermalRunaway(jar: Int, hours: Double)
    /// The intercell connection after `jar` (1-based) loosens to `milliohm`: invisible at float
    /// current, a string-voltage sense anomaly (I·R) and a hot post during discharge.
    case openConnection(jar: Int, milliohm: Double)
    /// The battery room's air conditioning fails: the room climbs towards outdoors + 8 °C of UPS
    /// losses with the given time constant, ageing every jar faster (Arrhenius).
    case hvacFailure(timeConstantHours: Double)

    // Chillers and pumps.

    /// Rolling-element bearing wear: vibration rising exponentially (defect growth feeds on
    /// itself), reaching ISO 10816 zone D (7.1 mm/s) after `days`.
    case bearingWear(days: Double)
    /// Rotor or impeller imbalance growing linearly (deposits, erosion), 1× running speed,
    /// reaching 7.1 mm/s after `days`.
    case imbalance(days: Double)
    /// Misalignment after maintenance: a step of `mmPerSecond` at 1× running speed, not growing.
    case misalignment(mmPerSecond: Double)
    /// Demonstration only: a loose mounting that rattles at `mmPerSecond` overall for `duration`
    /// seconds in every `period`.
    case vibrationEpisodes(period: Double, duration: Double, mmPerSecond: Double)

    // Chillers.

    /// Condenser tube fouling (scale): fouling resistance growing linearly until the condenser
    /// approach at design load reaches 5 K after `days`, when tubes are due for cleaning.
    case condenserFouling(days: Double)
    /// A refrigerant leak losing charge linearly to 75 % after `days` (low-suction trip): suction
    /// and condensing saturation fall, capacity and efficiency with them.
    case refrigerantLeak(days: Double)
    /// One phase current diverging (a failing contactor pole or a loose terminal), reaching the
    /// 10 % current unbalance at which motor protection trips after `days`.
    case phaseImbalance(days: Double)

    /// A snake-case name for ground truth and logs, e.g. `bearing_wear`.
    public var name: String {
        switch self {
        case .demoJarFailure: return "demo_jar_failure"
        case .thermalRunaway: return "thermal_runaway"
        case .openConnection: return "open_connection"
        case .hvacFailure: return "hvac_failure"
        case .bearingWear: return "bearing_wear"
        case .imbalance: return "imbalance"
        case .misalignment: return "misalignment"
        case .vibrationEpisodes: return "vibration_episodes"
        case .condenserFouling: return "condenser_fouling"
        case .refrigerantLeak: return "refrigerant_leak"
        case .phaseImbalance: return "phase_imbalance"
        }
    }

    /// The asset kinds this failure mode exists on.
    public var kinds: [AssetKind] {
        switch self {
        case .demoJarFailure, .thermalRunaway, .openConnection, .hvacFailure: return [.vrlaString]
        case .bearingWear, .imbalance, .misalignment, .vibrationEpisodes: return [.chiller, .pump]
        case .condenserFouling, .refrigerantLeak, .phaseImbalance: return [.chiller]
        }
    }

    /// Why the parameters cannot be simulated, or nil when they can.
    func problem(jars: Int) -> String? {
        func positive(_ value: Double, _ what: String) -> String? {
            value.isFinite && value > 0 ? nil : "\(what) must be a positive number"
        }
        func jarInRange(_ jar: Int) -> String? {
            (1...jars).contains(jar) ? nil : "jar must be 1…\(jars)"
        }
        switch self {
        case .demoJarFailure(let jar): return jarInRange(jar)
        case .thermalRunaway(let jar, let hours): return jarInRange(jar) ?? positive(hours, "hours")
        case .openConnection(let jar, let milliohm): return jarInRange(jar) ?? positive(milliohm, "milliohm")
        case .hvacFailure(let hours): return positive(hours, "timeConstantHours")
        case .bearingWear(let days), .imbalance(let days), .condenserFouling(let days), .refrigerantLeak(let days),
            .phaseImbalance(let days):
            return positive(days, "days")
        case .misalignment(let level): return positive(level, "mmPerSecond")
        case .vibrationEpisodes(let period, let duration, let level):
            return positive(period, "period") ?? positive(duration, "duration") ?? positive(level, "mmPerSecond")
        }
    }
}
