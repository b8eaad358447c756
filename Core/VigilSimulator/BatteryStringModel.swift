import VigilDomain

#if canImport(Glibc)
    import Glibc
#endif

/// A UPS string of 24 × 12 V 120 Ah VRLA jars in series on a float charger that compensates its
/// voltage on the battery-room temperature.
///
/// State that depends on history (each jar's state of health and charge) is integrated in coarse
/// steps — an hour on float, five minutes while recharging, a minute in an outage — so a year costs
/// about 9,000 steps however it is sampled; everything else is a closed form of the present.
///
/// - Float: a Tafel model of the recombination current. Each jar passes `I = I0·10^((V − 13.5)/0.6)`
///   with `I0 = 0.12 A · 2^((T − 25)/10) / SOH`; the string current is the one at which the jar
///   voltages add up to the charger's setpoint. With the charger compensating −18 mV/°C per jar the
///   current stays near 0.12 A, a jar hotter than the sensor floats lower, and a runaway jar pulls
///   the string current up while its neighbours float higher.
/// - Discharge: the UPS is a constant-power load, so `I = (E − √(E² − 4RP)) / 2R`, with `E` the sum
///   of open-circuit voltages (from the shared OCV–SOC–temperature table) and `R` the ohmic,
///   diffusion (rising over minutes) and end-of-discharge resistances: the voltage steps down by
///   `I·R` and then follows the OCV down. Charge leaves each jar at the Peukert-equivalent current.
/// - Recharge: 0.1 C10 current limit until the terminal voltage reaches float, then constant
///   voltage with the current decaying exponentially back to float current.
/// - Ageing: `dSOH/dt = −rate · 2^((T − 25)/9)` per jar, and resistance `R = R_new / SOH`, so a jar at
///   the 80 % end of life reads 25 % above new (the rise IEEE 1188 asks to act on).
struct BatteryStringModel {
    static let jars = 24

    enum Mode {
        case float
        case bulk
        case absorb(start: Double, tau: Double)
    }

    let profile: AgingProfile
    let profiles: [AgingProfile]
    /// New resistance of each jar, mΩ.
    let newResistance: [Double]
    /// SOH lost per year at 25 °C by each jar (its profile ± 8 % jar-to-jar).
    let rates: [Double]
    /// Each jar's temperature above the room sensor (shelf height, airflow), zero mean.
    let temperatureOffsets: [Double]
    /// Each jar's float-voltage deviation (cell-to-cell spread of the recombination balance), zero mean.
    let voltageOffsets: [Double]
    var scenarios: [SiteConfiguration.ScheduledScenario] = []

    private(set) var time = 0.0
    private(set) var soh: [Double]
    private(set) var soc: [Double]
    private var mode = Mode.float
    private(set) var outage: Outage?
    private var disconnectedAt: Double?
    /// The last outage's discharge current, for the heat a loose connection leaves behind.
    private var lastOutage: Outage?
    private var lastDischargeCurrent = 0.0

    init(profile: AgingProfile, setup: SiteConfiguration.BatteryString, random: inout SplitMix64) {
        self.profile = profile
        var profiles: [AgingProfile] = []
        var resistance: [Double] = []
        var rates: [Double] = []
        var temperatures: [Double] = []
        var voltages: [Double] = []
        for jar in 1...Self.jars {
            let jarProfile = setup.jarProfiles[jar] ?? profile
            profiles.append(jarProfile)
            let spread = min(VRLA.resistanceSpread, max(-VRLA.resistanceSpread, random.noise(0.04)))
            resistance.append(VRLA.newResistanceMilliohm * (1 + spread))
            rates.append(jarProfile.sohLossPerYear * (1 + min(0.2, max(-0.2, random.noise(0.08)))))
            temperatures.append(random.noise(0.5))
            voltages.append(random.noise(0.03))
        }
        let meanTemperature = temperatures.reduce(0, +) / Double(Self.jars)
        let meanVoltage = voltages.reduce(0, +) / Double(Self.jars)
        self.profiles = profiles
        newResistance = resistance
        self.rates = rates
        temperatureOffsets = temperatures.map { $0 - meanTemperature }
        voltageOffsets = voltages.map { $0 - meanVoltage }
        soh = rates.map { max(0.05, 1 - $0 * max(0, setup.ageYears)) }
        soc = Array(repeating: 1, count: Self.jars)
    }

    // MARK: Time

    /// Integrates the string's history up to `end`, given the outages overlapping `time…end`.
    mutating func advance(to end: Double, climate: Climate, outages: [Outage]) {
        while time < end {
            let covering = outages.first { $0.start <= time && time < $0.end }
            let next = outages.first { $0.start > time }?.start ?? .infinity
            if let covering {
                let step = min(end, covering.end, time + 60) - time
                discharge(for: step, in: covering, climate: climate)
                time += step
                if time >= covering.end {
                    lastOutage = covering
                    mode = .bulk
                }
            } else if case .float = mode {
                let step = min(end, next, time + 3600) - time
                age(for: step, climate: climate)
                time += step
            } else {
                let step = min(end, next, time + 300) - time
                recharge(for: step, climate: climate)
                time += step
            }
        }
        outage = outages.first { $0.start <= time && time < $0.end }
        if outage == nil { disconnectedAt = nil }
    }

    private mutating func age(for step: Double, climate: Climate) {
        let middle = time + step / 2
        let temperatures = jarTemperatures(at: middle, room: room(at: middle, climate: climate))
        for jar in 0..<Self.jars {
            let loss = rates[jar] * VRLA.agingFactor(celsius: temperatures[jar]) * step / VRLA.year
            soh[jar] = max(0.05, soh[jar] - loss)
        }
    }

    private mutating func discharge(for step: Double, in outage: Outage, climate: Climate) {
        if disconnectedAt.map({ $0 < outage.start }) ?? false { disconnectedAt = nil }
        let state = dischargeState(at: time, in: outage, climate: climate)
        if state.current == 0 && disconnectedAt == nil { disconnectedAt = time }
        lastDischargeCurrent = state.current
        lastOutage = outage
        let drawn = VRLA.peukertCurrent(state.current) * step / 3600
        for jar in 0..<Self.jars {
            soc[jar] = max(0, soc[jar] - drawn / (VRLA.capacityAh * soh[jar]))
        }
        age(for: step, climate: climate)
    }

    private mutating func recharge(for step: Double, climate: Climate) {
        let limit = VRLA.rechargeCurrentLimit
        switch mode {
        case .float:
            break
        case .bulk:
            let charge = VRLA.chargeEfficiency * limit * step / 3600
            for jar in 0..<Self.jars { soc[jar] = min(1, soc[jar] + charge / (VRLA.capacityAh * soh[jar])) }
            let room = room(at: time + step, climate: climate)
            let temperatures = jarTemperatures(at: time + step, room: room)
            if bulkVoltage(temperatures: temperatures) >= setpoint(room: room) {
                let deficit = (0..<Self.jars).map { (1 - soc[$0]) * VRLA.capacityAh * soh[$0] }.max() ?? 0
                let tau = deficit / (VRLA.chargeEfficiency * (limit - VRLA.floatCurrent)) * 3600
                mode = tau < 60 ? .float : .absorb(start: time + step, tau: tau)
                if tau < 60 { soc = Array(repeating: 1, count: Self.jars) }
            }
        case .absorb(let start, let tau):
            let excess = limit - VRLA.floatCurrent
            let delivered = excess * tau * (exp(-(time - start) / tau) - exp(-(time + step - start) / tau)) / 3600
            for jar in 0..<Self.jars {
                soc[jar] = min(1, soc[jar] + VRLA.chargeEfficiency * delivered / (VRLA.capacityAh * soh[jar]))
            }
            if time + step - start >= 6 * tau {
                mode = .float
                soc = Array(repeating: 1, count: Self.jars)
            }
        }
        age(for: step, climate: climate)
    }

    // MARK: Physics at an instant

    /// The battery room: the climate's conditioned room, or, once the HVAC has failed, a first-order
    /// climb towards the outdoor temperature plus 8 °C of UPS and battery losses.
    func room(at elapsed: Double, climate: Climate) -> Double {
        var room = climate.roomTemperature(at: elapsed)
        for scheduled in scenarios where elapsed >= scheduled.start {
            if case .hvacFailure(let hours) = scheduled.scenario {
                let equilibrium = climate.outdoorTemperature(at: elapsed) + 8
                room += (equilibrium - room) * (1 - exp(-(elapsed - scheduled.start) / (hours * 3600)))
            }
        }
        return room
    }

    /// Jar temperatures: the room plus each jar's place in the rack plus whatever a fault heats.
    func jarTemperatures(at elapsed: Double, room: Double) -> [Double] {
        var temperatures = temperatureOffsets.map { room + $0 }
        for scheduled in scenarios where elapsed >= scheduled.start {
            let age = elapsed - scheduled.start
            switch scheduled.scenario {
            case .demoJarFailure(let jar):
                temperatures[jar - 1] += 8 * Self.demoProgress(age)
            case .thermalRunaway(let jar, let hours):
                // Neighbours share the heat through the rack; the rest of the string a little.
                let rise = Self.runawayRise(age, hours: hours)
                for index in 0..<Self.jars {
                    let distance = abs(index - (jar - 1))
                    temperatures[index] += rise * (distance == 0 ? 1 : distance == 1 ? 0.35 : 0.12)
                }
            case .openConnection(let jar, let milliohm):
                temperatures[jar - 1] += connectionHeat(at: elapsed, ohm: milliohm / 1000)
            default:
                break
            }
        }
        return temperatures
    }

    /// A loose bolted connection dissipates I²R during discharge; with a thermal resistance of
    /// 0.5 K/W to the post sensor and a 1-hour time constant, a 30 W joint heats the post 15 °C.
    private func connectionHeat(at elapsed: Double, ohm: Double) -> Double {
        guard let outage = lastOutage ?? outage, elapsed >= outage.start else { return 0 }
        let steady = lastDischargeCurrent * lastDischargeCurrent * ohm * 0.5
        let tau = 3600.0
        if elapsed < outage.end { return steady * (1 - exp(-(elapsed - outage.start) / tau)) }
        return steady * (1 - exp(-outage.duration / tau)) * exp(-(elapsed - outage.end) / tau)
    }

    /// Demonstration fault progress, 0…1 over its first minute.
    static func demoProgress(_ age: Double) -> Double { min(1, max(0, age / 60)) }

    /// Thermal runaway: heat generation doubling every 10 °C with no matching loss gives
    /// `dΔT/dt ∝ 2^(ΔT/10)`, whose solution `ΔT = −10·log2(1 − t/t_c)` diverges at `t_c`. The jar
    /// dries out and vents at +50 °C, where the curve is capped.
    static func runawayRise(_ age: Double, hours: Double) -> Double {
        let remaining = max(exp2(-5), 1 - age / (hours * 3600))
        return min(50, -10 * log2(remaining))
    }

    /// Resistance of each jar, mΩ: `R_new / SOH`, plus the demonstration fault, plus dry-out of a
    /// runaway jar (+1 % per °C).
    func resistances(at elapsed: Double) -> [Double] {
        var result = (0..<Self.jars).map { newResistance[$0] / soh[$0] }
        for scheduled in scenarios where elapsed >= scheduled.start {
            switch scheduled.scenario {
            case .demoJarFailure(let jar):
                result[jar - 1] += (6.5 - result[jar - 1]) * Self.demoProgress(elapsed - scheduled.start)
            case .thermalRunaway(let jar, let hours):
                result[jar - 1] *= 1 + 0.01 * Self.runawayRise(elapsed - scheduled.start, hours: hours)
            default:
                break
            }
        }
        return result
    }

    /// Voltage each jar gives up to a fault of its own (the demonstration jar's failing cell).
    private func sags(at elapsed: Double) -> [Double] {
        var result = Array(repeating: 0.0, count: Self.jars)
        for scheduled in scenarios where elapsed >= scheduled.start {
            if case .demoJarFailure(let jar) = scheduled.scenario {
                result[jar - 1] -= 0.75 * Self.demoProgress(elapsed - scheduled.start)
            }
        }
        return result
    }

    /// Resistance of a loosened intercell connection, Ω (healthy connections are part of the jars).
    func connectionResistance(at elapsed: Double) -> Double {
        var ohm = 0.0
        for scheduled in scenarios where elapsed >= scheduled.start {
            if case .openConnection(_, let milliohm) = scheduled.scenario { ohm += milliohm / 1000 }
        }
        return ohm
    }

    /// The charger's string setpoint for the temperature its sensor (the room) reads.
    func setpoint(room: Double) -> Double { Double(Self.jars) * VRLA.compensatedFloat(sensed: room) }

    private func bulkVoltage(temperatures: [Double]) -> Double {
        let resistances = resistances(at: time)
        var sum = 0.0
        for jar in 0..<Self.jars {
            sum +=
                VRLA.openCircuitVoltage(soc: soc[jar], celsius: temperatures[jar]) + VRLA.rechargeCurrentLimit
                * resistances[jar] / 1000 + VRLA.chargeOverpotential(soc: soc[jar])
        }
        return sum
    }

    /// Current (positive = discharge) and jar voltages in an outage at this instant.
    func dischargeState(
        at elapsed: Double, in outage: Outage, climate: Climate
    ) -> (current: Double, voltages: [Double]) {
        let temperatures = jarTemperatures(at: elapsed, room: room(at: elapsed, climate: climate))
        let resistances = resistances(at: elapsed)
        let sags = sags(at: elapsed)
        let diffusion = 0.6 * (1 - exp(-(elapsed - outage.start) / 180))
        var open: [Double] = []
        var series: [Double] = []
        for jar in 0..<Self.jars {
            open.append(VRLA.openCircuitVoltage(soc: soc[jar], celsius: temperatures[jar]) + sags[jar])
            series.append(resistances[jar] / 1000 * (1 + diffusion) + VRLA.kneeResistanceOhm(soc: soc[jar]))
        }
        let emf = open.reduce(0, +)
        let connection = connectionResistance(at: elapsed)
        let resistance = series.reduce(0, +) + connection
        let power = outage.cRate * VRLA.capacityAh * 12.0 * Double(Self.jars)
        let discriminant = emf * emf - 4 * resistance * power
        var current = discriminant > 0 ? (emf - discriminant.squareRoot()) / (2 * resistance) : 0
        if disconnectedAt != nil
            || emf - current * resistance < VRLA.endOfDischargeVoltage * Double(Self.jars)
        {
            // The UPS has dropped the load: the jars rest at their open-circuit voltage.
            current = 0
        }
        return (current, (0..<Self.jars).map { open[$0] - current * series[$0] })
    }

    /// Current (negative = charge) and jar voltages on the charger at this instant.
    func chargeState(at elapsed: Double, room: Double, temperatures: [Double]) -> (current: Double, voltages: [Double])
    {
        let setpoint = setpoint(room: room)
        let sags = sags(at: elapsed)
        switch mode {
        case .bulk, .absorb:
            var current = VRLA.rechargeCurrentLimit
            if case .absorb(let start, let tau) = mode {
                current = VRLA.floatCurrent + (current - VRLA.floatCurrent) * exp(-(elapsed - start) / tau)
            }
            let resistances = resistances(at: elapsed)
            let raw = (0..<Self.jars).map {
                VRLA.openCircuitVoltage(soc: soc[$0], celsius: temperatures[$0]) + current * resistances[$0] / 1000
                    + VRLA.chargeOverpotential(soc: soc[$0]) + sags[$0]
            }
            let total = raw.reduce(0, +)
            // Until the sum reaches the setpoint the charger is current-limited; then it holds it.
            let shift = total > setpoint || isAbsorbing ? (setpoint - total) / Double(Self.jars) : 0
            return (-current, raw.map { $0 + shift })
        case .float:
            // Tafel: jar j passes I = I0_j · 10^((V_j − 13.5 − offsets)/0.6), the same I for all.
            var logs: [Double] = []
            var references: [Double] = []
            for jar in 0..<Self.jars {
                var i0 =
                    VRLA.floatCurrent * exp2((temperatures[jar] - 25) / VRLA.floatCurrentDoublingCelsius) / soh[jar]
                for scheduled in scenarios where elapsed >= scheduled.start {
                    if case .thermalRunaway(let hot, let hours) = scheduled.scenario, hot == jar + 1 {
                        // A drying jar recombines ever more oxygen: beyond the Arrhenius rise.
                        i0 *= exp2(Self.runawayRise(elapsed - scheduled.start, hours: hours) / 10)
                    }
                }
                logs.append(log10(i0))
                references.append(VRLA.floatVoltage + voltageOffsets[jar] + sags[jar])
            }
            let jars = Double(Self.jars)
            let logCurrent =
                (setpoint - references.reduce(0, +)) / (VRLA.tafelSlope * jars) + logs.reduce(0, +) / jars
            return (
                -pow(10, logCurrent), (0..<Self.jars).map { references[$0] + VRLA.tafelSlope * (logCurrent - logs[$0]) }
            )
        }
    }

    private var isAbsorbing: Bool {
        if case .absorb = mode { return true }
        return false
    }

    // MARK: Readings

    func sample(climate: Climate, noise: inout SplitMix64) -> Reading.Values {
        let room = room(at: time, climate: climate)
        var temperatures = jarTemperatures(at: time, room: room)
        let state: (current: Double, voltages: [Double])
        if let outage {
            state = dischargeState(at: time, in: outage, climate: climate)
        } else {
            state = chargeState(at: time, room: room, temperatures: temperatures)
        }
        let resistances = resistances(at: time)
        var jars: [[String: Double]] = []
        jars.reserveCapacity(Self.jars)
        var sum = 0.0
        for jar in 0..<Self.jars {
            let voltage = state.voltages[jar] + noise.noise(0.005)
            temperatures[jar] += noise.noise(0.1)
            sum += voltage
            jars.append([
                "voltage_v": voltage, "temperature_c": temperatures[jar],
                "resistance_mohm": resistances[jar] + noise.noise(0.02),
            ])
        }
        // The string sensor sits at the terminals, so a loose connection's drop shows only there.
        return Reading.Values(
            scalars: [
                "string_voltage_v": sum - state.current * connectionResistance(at: time),
                "string_current_a": state.current + noise.noise(0.005),
                "ambient_temperature_c": room + noise.noise(0.05),
            ], jars: jars)
    }

    /// Seconds until the weakest jar reaches 80 % SOH at its present temperature (or, with a
    /// thermal runaway, until the runaway jar reaches 60 °C, whichever is first).
    func timeToFailure(climate: Climate) -> (seconds: Double, criterion: String) {
        let temperatures = jarTemperatures(at: time, room: room(at: time, climate: climate))
        var best = (seconds: Double.infinity, criterion: "soh_0.8")
        for jar in 0..<Self.jars {
            let rate = rates[jar] * VRLA.agingFactor(celsius: temperatures[jar]) / VRLA.year
            best.seconds = min(best.seconds, max(0, (soh[jar] - VRLA.endOfLife) / rate))
        }
        for scheduled in scenarios where time >= scheduled.start {
            if case .thermalRunaway(let jar, let hours) = scheduled.scenario {
                let age = time - scheduled.start
                let base = temperatures[jar - 1] - Self.runawayRise(age, hours: hours)
                let needed = 60 - base
                let crossing = hours * 3600 * (1 - exp2(-needed / 10))
                let seconds = needed >= 50 ? Double.infinity : max(0, crossing - age)
                if seconds < best.seconds { best = (seconds, "jar_temperature_60c") }
            }
        }
        return best
    }
}
