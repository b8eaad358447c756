import Testing
import VigilDomain
import VigilSimulator

/// The physics of the VRLA strings, measured through the readings as the evaluator will see them.
@Suite struct BatteryPhysicsTests {
    static let year = 31_557_600.0
    static let first = try! TopicLevel("ups1-str01")
    static let second = try! TopicLevel("ups1-str02")

    static func site(
        celsius: Double, profiles: [AgingProfile] = [.healthy, .healthy], outages: OutagePlan = .none,
        seed: UInt64 = 3
    ) -> SimulatedSite {
        let configuration = SiteConfiguration(
            climate: .constant(celsius: celsius), outages: outages,
            strings: [first: .init(profile: profiles[0]), second: .init(profile: profiles[1])])
        return try! SimulatedSite(seed: seed, configuration: configuration)
    }

    static func string(_ samples: [SimulatedSite.Sample], _ asset: TopicLevel) -> Reading.Values {
        samples.first { $0.asset == asset }!.values
    }

    static func meanLoss(_ site: SimulatedSite, _ asset: TopicLevel) -> Double {
        let soh = site.groundTruth(asset)!.jarStateOfHealth
        return soh.reduce(0) { $0 + (1 - $1) } / Double(soh.count)
    }

    @Test func floatVoltageIsCompensatedByMinus18MillivoltsPerDegreePerJar() {
        var cool = Self.site(celsius: 20)
        var warm = Self.site(celsius: 30)
        let coolString = Self.string(cool.sample(elapsed: 600), Self.second)
        let warmString = Self.string(warm.sample(elapsed: 600), Self.second)
        let slope =
            (warmString.scalars["string_voltage_v"]! - coolString.scalars["string_voltage_v"]!) / 24 / (30 - 20)
        #expect(abs(slope - -0.018) < 0.001)
        // At 25 °C the string floats at 24 × 13.5 V.
        var reference = Self.site(celsius: 25)
        let atReference = Self.string(reference.sample(elapsed: 600), Self.second).scalars["string_voltage_v"]!
        #expect(abs(atReference - 324) < 0.1)
        // Compensation is what keeps the float current (negative: into the string) near 1 mA/Ah.
        for current in [coolString.scalars["string_current_a"]!, warmString.scalars["string_current_a"]!] {
            #expect(current < -0.09 && current > -0.15)
        }
    }

    @Test func ageingDoublesEveryNineDegrees() {
        var base = Self.site(celsius: 25)
        var hot = Self.site(celsius: 34)
        _ = base.sample(elapsed: Self.year)
        _ = hot.sample(elapsed: Self.year)
        let ratio = Self.meanLoss(hot, Self.second) / Self.meanLoss(base, Self.second)
        // 2^(9/10) … 2^(9/8): a doubling interval between 8 and 10 °C.
        #expect(ratio > 1.866 && ratio < 2.181)
    }

    @Test(arguments: [(AgingProfile.healthy, 0.02), (.accelerated, 0.08), (.failing, 0.25)])
    func profilesAgeAtTheirRatesAt25Degrees(profile: AgingProfile, perYear: Double) {
        var site = Self.site(celsius: 25, profiles: [profile, .healthy])
        for hour in stride(from: 0.0, through: Self.year, by: 3600) { _ = site.sample(elapsed: hour) }
        let loss = Self.meanLoss(site, Self.first)
        #expect(abs(loss - perYear) < 0.1 * perYear)
        #expect(site.groundTruth(Self.first)?.profile == profile)
    }

    @Test func newJarResistancesSpreadWithinTenPercentOfFourMilliohm() {
        var all: [Double] = []
        for seed in UInt64(1)...20 {
            var site = try! SimulatedSite(seed: seed, configuration: .realistic)
            for sample in site.sample(elapsed: 0) where sample.kind == .vrlaString {
                all += sample.values.jars.map { $0["resistance_mohm"]! }
            }
        }
        // ±10 % of 4.0 mΩ, plus the ohmic meter's own ±0.05 mΩ.
        #expect(all.allSatisfy { $0 > 3.55 && $0 < 4.45 })
        #expect(all.max()! - all.min()! > 0.3)
        let mean = all.reduce(0, +) / Double(all.count)
        #expect(abs(mean - 4.0) < 0.05)
    }

    @Test func anAgedStringStartsLowerAndReadsHigherResistance() throws {
        let configuration = SiteConfiguration(
            climate: .constant(celsius: 25), outages: .none,
            strings: [Self.first: .init(profile: .accelerated, ageYears: 2)])
        var site = try SimulatedSite(seed: 5, configuration: configuration)
        let jars = Self.string(site.sample(elapsed: 0), Self.first).jars
        let soh = try #require(site.groundTruth(Self.first)?.stateOfHealth)
        #expect(soh > 0.79 && soh < 0.87)
        let mean = jars.reduce(0) { $0 + $1["resistance_mohm"]! } / 24
        #expect(mean > 4.5)  // R ∝ 1/SOH
    }

    @Test func anOutageDischargesWithAnIRStepThenRecovers() throws {
        let start = 86_400.0
        let outage = Outage(start: start, duration: 3600, cRate: 0.2)
        var site = Self.site(celsius: 25, outages: .scripted([outage]))
        let before = Self.string(site.sample(elapsed: start - 60), Self.second)
        #expect(before.scalars["string_current_a"]! < 0)
        let during = Self.string(site.sample(elapsed: start + 1), Self.second)
        let current = during.scalars["string_current_a"]!
        #expect(current > 12 && current < 30)  // C/10 … C/4, positive = discharge
        #expect(site.groundTruth(Self.second)?.onBattery == true)
        let resistance = during.jars.reduce(0) { $0 + $1["resistance_mohm"]! } / 1000
        let step = before.scalars["string_voltage_v"]! - during.scalars["string_voltage_v"]!
        #expect(step > current * resistance)
        // Each jar sits I·R below its open-circuit voltage (12.8 V full at 25 °C in the data set).
        for jar in during.jars {
            #expect(abs(jar["voltage_v"]! + current * jar["resistance_mohm"]! / 1000 - 12.8) < 0.05)
        }
        var previous = during.scalars["string_voltage_v"]!
        for minutes in [10.0, 30, 59] {
            let later = Self.string(site.sample(elapsed: start + minutes * 60), Self.second)
            #expect(later.scalars["string_voltage_v"]! < previous)
            #expect(later.scalars["string_current_a"]! >= current)  // constant power: current creeps up
            previous = later.scalars["string_voltage_v"]!
        }
        let depth = try #require(site.groundTruth(Self.second)?.stateOfCharge)
        #expect(depth > 0.7 && depth < 0.85)
        // Utility back: the charger recharges at its current limit, the voltage jumps up and climbs.
        let recharge = Self.string(site.sample(elapsed: outage.end + 60), Self.second)
        #expect(abs(recharge.scalars["string_current_a"]! - -12) < 0.2)
        #expect(recharge.scalars["string_voltage_v"]! > previous + 10)
        let later = Self.string(site.sample(elapsed: outage.end + 3600), Self.second)
        #expect(later.scalars["string_voltage_v"]! > recharge.scalars["string_voltage_v"]!)
        let recovered = Self.string(site.sample(elapsed: outage.end + 86_400), Self.second)
        #expect(abs(recovered.scalars["string_voltage_v"]! - 324) < 0.2)
        #expect(abs(recovered.scalars["string_current_a"]! - -0.12) < 0.03)
        #expect(site.groundTruth(Self.second)?.stateOfCharge == 1)
        #expect(site.groundTruth(Self.second)?.onBattery == false)
    }

    @Test func seededOutagesComeTwoToEightTimesAYear() {
        var site = try! SimulatedSite(seed: 11, configuration: .realistic)
        var outages = 0
        var discharged = false
        // Each outage leaves the string below full charge for hours of recharge, and outages are
        // at least two days apart, so two-hourly samples see every one.
        for time in stride(from: 0.0, to: 2 * Self.year, by: 7200) {
            _ = site.sample(elapsed: time)
            let now = site.groundTruth(Self.first)!.stateOfCharge! < 0.999
            if now && !discharged { outages += 1 }
            discharged = now
        }
        #expect(outages >= 4 && outages <= 16)
    }

    @Test func thermalRunawayHeatsOneJarAndPullsTheFloatCurrentUp() throws {
        var site = Self.site(celsius: 25)
        try site.start(.thermalRunaway(jar: 12, hours: 48), asset: Self.first, at: 3600)
        func reading(_ hours: Double) -> (temperature: Double, current: Double) {
            let values = Self.string(site.sample(elapsed: 3600 + hours * 3600), Self.first)
            return (values.jars[11]["temperature_c"]!, -values.scalars["string_current_a"]!)
        }
        let start = reading(0)
        let day = reading(24)
        let later = reading(40)
        let truth = try #require(site.groundTruth(Self.first))
        let late = reading(46)
        #expect(day.temperature > start.temperature + 5)
        // Accelerating: the last 6 hours add more than the first 24.
        #expect(late.temperature - later.temperature > day.temperature - start.temperature)
        #expect(late.current > 1.3 * start.current)
        #expect(truth.scenarios == ["thermal_runaway"])
        #expect(truth.failureCriterion == "jar_temperature_60c")
    }

    @Test func aLooseConnectionShowsAsASenseMismatchOnlyInDischarge() throws {
        let outage = Outage(start: 7200, duration: 3600, cRate: 0.2)
        var site = Self.site(celsius: 25, outages: .scripted([outage]))
        try site.start(.openConnection(jar: 9, milliohm: 80), asset: Self.first, at: 0)
        func mismatch(_ values: Reading.Values) -> Double {
            values.jars.reduce(0) { $0 + $1["voltage_v"]! } - values.scalars["string_voltage_v"]!
        }
        let float = Self.string(site.sample(elapsed: 3600), Self.first)
        #expect(abs(mismatch(float)) < 0.02)
        let discharge = Self.string(site.sample(elapsed: 9000), Self.first)
        let current = discharge.scalars["string_current_a"]!
        #expect(abs(mismatch(discharge) - current * 0.08) < 0.05)
        #expect(discharge.jars[8]["temperature_c"]! > discharge.jars[7]["temperature_c"]! + 5)
    }

    @Test func anHVACFailureWarmsTheRoomOverHoursAndAgesFaster() throws {
        var site = try SimulatedSite(
            seed: 2, configuration: SiteConfiguration(outages: .none, strings: [Self.second: .init(profile: .healthy)]))
        try site.start(.hvacFailure(timeConstantHours: 3), asset: Self.second, at: 86_400)
        let normal = Self.string(site.sample(elapsed: 86_400), Self.second).scalars["ambient_temperature_c"]!
        let ttfNormal = site.groundTruth(Self.second)!.timeToFailure!
        let hour = Self.string(site.sample(elapsed: 86_400 + 3600), Self.second).scalars["ambient_temperature_c"]!
        let day = Self.string(site.sample(elapsed: 86_400 + 12 * 3600), Self.second).scalars["ambient_temperature_c"]!
        #expect(hour > normal + 1.5)
        #expect(day > 30)
        #expect(site.groundTruth(Self.second)!.timeToFailure! < ttfNormal / 2)
    }
}
