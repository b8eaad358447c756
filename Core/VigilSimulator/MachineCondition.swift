#if canImport(Glibc)
    import Glibc
#endif

/// The state of a rotating machine's faults at one instant, as closed forms of the time since
/// each scenario started, so any instant costs the same to evaluate however far it lies ahead.
///
/// Vibration components of different origin (bearing defect frequencies, 1× imbalance and
/// misalignment, a loose mounting) are added as RMS values in quadrature, which is how an
/// overall velocity reading (ISO 10816, 10–1000 Hz RMS) combines them.
struct MachineCondition {
    /// ISO 10816-3 zone C/D boundary for medium machines on rigid foundations, mm/s RMS.
    static let zoneD = 7.1
    /// Current unbalance at which motor protection trips (NEMA MG-1 derating becomes severe).
    static let unbalanceLimit = 0.10
    /// Fraction of refrigerant charge lost when the low-suction protection trips.
    static let chargeLossLimit = 0.25

    var bearing = 0.0
    var imbalance = 0.0
    var misalignment = 0.0
    var episode = 0.0
    /// Fouling resistance as a fraction of the resistance that gives a 5 K approach at design load.
    var fouling = 0.0
    var chargeLoss = 0.0
    var unbalance = 0.0

    init(_ scenarios: [SiteConfiguration.ScheduledScenario], at elapsed: Double, baseVibration: Double) {
        let headroom = (Self.zoneD * Self.zoneD - baseVibration * baseVibration).squareRoot()
        for scheduled in scenarios where elapsed >= scheduled.start {
            let age = elapsed - scheduled.start
            switch scheduled.scenario {
            case .bearingWear(let days):
                // Spall growth feeds on itself: exponential, three e-foldings to zone D.
                bearing += headroom / (exp(3) - 1) * (exp(3 * age / (days * Climate.day)) - 1)
            case .imbalance(let days):
                imbalance += headroom * age / (days * Climate.day)
            case .misalignment(let level):
                misalignment += level
            case .vibrationEpisodes(let period, let duration, let level):
                if age.truncatingRemainder(dividingBy: period) < duration {
                    episode = max(episode, (max(0, level * level - baseVibration * baseVibration)).squareRoot())
                }
            case .condenserFouling(let days):
                fouling += age / (days * Climate.day)
            case .refrigerantLeak(let days):
                chargeLoss += Self.chargeLossLimit * age / (days * Climate.day)
            case .phaseImbalance(let days):
                unbalance += Self.unbalanceLimit * age / (days * Climate.day)
            default:
                break
            }
        }
        chargeLoss = min(0.9, chargeLoss)
    }

    /// Overall vibration velocity, mm/s RMS.
    func vibration(base: Double) -> Double {
        let oneTimes = imbalance + misalignment
        return (base * base + bearing * bearing + oneTimes * oneTimes + episode * episode).squareRoot()
    }

    /// How far bearing wear has gone towards zone D, 0…1+: bearings run hotter and draw more.
    func bearingSeverity(base: Double) -> Double { bearing / (Self.zoneD - base) }

    /// Seconds until the first failure criterion is met and its name, or nil if none is coming.
    /// Only scenarios already active count: a fault that has not begun is not yet a path to failure.
    static func timeToFailure(
        _ scenarios: [SiteConfiguration.ScheduledScenario], at now: Double, baseVibration: Double
    ) -> (seconds: Double, criterion: String)? {
        let active = scenarios.filter { $0.start <= now }
        var best: (seconds: Double, criterion: String)?
        func consider(_ seconds: Double?, _ criterion: String) {
            guard let seconds, seconds.isFinite else { return }
            if best == nil || seconds < best!.seconds { best = (max(0, seconds), criterion) }
        }
        // Vibration is monotone in time for every progressive fault: bisect for the crossing.
        let progressive = active.filter {
            switch $0.scenario {
            case .bearingWear, .imbalance, .misalignment: return true
            default: return false
            }
        }
        if !progressive.isEmpty {
            func level(_ t: Double) -> Double {
                var condition = MachineCondition(progressive, at: t, baseVibration: baseVibration)
                condition.episode = 0
                return condition.vibration(base: baseVibration)
            }
            if level(now) >= zoneD {
                consider(0, "vibration_7.1")
            } else {
                var low = now
                var high = now + 20 * VRLA.year
                if level(high) >= zoneD {
                    for _ in 0..<60 where high - low > 1 {
                        let middle = (low + high) / 2
                        if level(middle) >= zoneD { high = middle } else { low = middle }
                    }
                    consider(high - now, "vibration_7.1")
                }
            }
        }
        // Fouling, leaks and unbalance grow linearly: the remaining distance over the rate.
        let condition = MachineCondition(active, at: now, baseVibration: baseVibration)
        var foulingRate = 0.0
        var leakRate = 0.0
        var unbalanceRate = 0.0
        for scheduled in active {
            switch scheduled.scenario {
            case .condenserFouling(let days): foulingRate += 1 / (days * Climate.day)
            case .refrigerantLeak(let days): leakRate += chargeLossLimit / (days * Climate.day)
            case .phaseImbalance(let days): unbalanceRate += unbalanceLimit / (days * Climate.day)
            default: break
            }
        }
        if foulingRate > 0 { consider((1 - condition.fouling) / foulingRate, "approach_5k") }
        if leakRate > 0 { consider((chargeLossLimit - condition.chargeLoss) / leakRate, "charge_75pct") }
        if unbalanceRate > 0 {
            consider((unbalanceLimit - condition.unbalance) / unbalanceRate, "current_unbalance_10pct")
        }
        return best
    }
}
