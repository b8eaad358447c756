import Testing
import VigilDomain
import VigilSimulator

/// Chillers, pumps and the climate they run in, measured through their readings.
@Suite struct MachinePhysicsTests {
    static let day = 86_400.0
    static let chiller = try! TopicLevel("chiller-1")
    static let pump = try! TopicLevel("pump-1")

    static func site(climate: Climate = .constant(celsius: 30)) -> SimulatedSite {
        try! SimulatedSite(seed: 9, configuration: SiteConfiguration(climate: climate, outages: .none))
    }

    static func values(_ site: inout SimulatedSite, _ asset: TopicLevel, at elapsed: Double) -> Reading.Values {
        site.sample(elapsed: elapsed).first { $0.asset == asset }!.values
    }

    @Test func aHealthyChillerBalancesItsEnergy() {
        var site = Self.site(climate: .tropical(startDayOfYear: 100))
        let chiller = Self.values(&site, Self.chiller, at: 14 * 3600)
        let s = chiller.scalars
        let cooling = (s["chw_return_c"]! - s["chw_supply_c"]!) * s["flow_lps"]! * 4.19
        let rejected = (s["cdw_out_c"]! - s["cdw_in_c"]!) * 60 * 4.19
        // The condenser rejects the cooling plus the compressor's work.
        #expect(abs(rejected - cooling - s["power_kw"]!) < 0.1 * rejected)
        let kwPerTon = s["power_kw"]! / (cooling / 3.517)
        #expect(kwPerTon > 0.45 && kwPerTon < 0.8)
        #expect(s["chw_supply_c"]! > 6.5 && s["chw_supply_c"]! < 7.5)
        #expect(s["refrigerant_sat_c"]! > s["cdw_out_c"]!)
        #expect(chiller.series["phase_current_a"]!.count == 3)
    }

    @Test func condenserFoulingRaisesTheApproachOverWeeks() throws {
        var site = Self.site()
        try site.start(.condenserFouling(days: 56), asset: Self.chiller, at: Self.day)
        func approachAndPower(week: Double) -> (Double, Double) {
            let s = Self.values(&site, Self.chiller, at: Self.day + week * 7 * Self.day).scalars
            return (s["refrigerant_sat_c"]! - s["cdw_out_c"]!, s["power_kw"]!)
        }
        let (clean, cleanPower) = approachAndPower(week: 0)
        var previous = clean
        #expect(clean < 1.6)
        for week in 1...8 {
            let (approach, _) = approachAndPower(week: Double(week))
            #expect(approach > previous)
            previous = approach
        }
        let (fouled, fouledPower) = approachAndPower(week: 8)
        #expect(fouled > clean + 2.5)
        #expect(fouledPower > cleanPower * 1.05)  // same load, worse kW/ton
        let truth = try #require(site.groundTruth(Self.chiller))
        #expect(truth.scenarios == ["condenser_fouling"])
        #expect(truth.failureCriterion == "approach_5k")
    }

    @Test func bearingWearRaisesVibrationAcceleratingToZoneD() throws {
        var site = Self.site()
        try site.start(.bearingWear(days: 90), asset: Self.pump, at: 0)
        let firstTruth = try #require(site.groundTruth(Self.pump)?.timeToFailure)
        #expect(abs(firstTruth - 90 * Self.day) < 60)
        var levels: [Double] = []
        for month in 0...3 {
            levels.append(Self.values(&site, Self.pump, at: Double(month) * 30 * Self.day).scalars["vibration_mm_s"]!)
        }
        #expect(levels[0] < 2.3)
        #expect(levels[3] - levels[2] > levels[1] - levels[0])
        #expect(abs(levels[3] - 7.1) < 0.3)
        let truth = try #require(site.groundTruth(Self.pump))
        #expect(truth.failureCriterion == "vibration_7.1")
        #expect(try #require(truth.timeToFailure) < 60)
    }

    @Test func imbalanceGrowsLinearlyAndMisalignmentSteps() throws {
        var site = Self.site()
        try site.start(.imbalance(days: 100), asset: Self.pump, at: 0)
        try site.start(.misalignment(mmPerSecond: 3), asset: Self.chiller, at: 10 * Self.day)
        let pumpTruth = try #require(site.groundTruth(Self.pump)?.timeToFailure)
        #expect(abs(pumpTruth - 100 * Self.day) < 3600)
        let beforeStep = Self.values(&site, Self.chiller, at: 10 * Self.day - 1).scalars["vibration_mm_s"]!
        let afterStep = Self.values(&site, Self.chiller, at: 10 * Self.day).scalars["vibration_mm_s"]!
        #expect(afterStep > beforeStep + 1.5)
        let halfway = Self.values(&site, Self.pump, at: 50 * Self.day).scalars["vibration_mm_s"]!
        #expect(halfway > 3.3 && halfway < 4.3)
    }

    @Test func aRefrigerantLeakLowersSaturationAndCapacity() throws {
        var site = Self.site()
        try site.start(.refrigerantLeak(days: 60), asset: Self.chiller, at: 0)
        let healthy = Self.values(&site, Self.chiller, at: 0).scalars
        let leaking = Self.values(&site, Self.chiller, at: 60 * Self.day).scalars
        #expect(leaking["refrigerant_sat_c"]! < healthy["refrigerant_sat_c"]! - 1)
        let capacity: ([String: Double]) -> Double = { ($0["chw_return_c"]! - $0["chw_supply_c"]!) * $0["flow_lps"]! }
        #expect(capacity(leaking) < 0.85 * capacity(healthy))
        #expect(leaking["chw_supply_c"]! > healthy["chw_supply_c"]! + 1)
        #expect(site.groundTruth(Self.chiller)?.failureCriterion == "charge_75pct")
    }

    @Test func aPhaseImbalanceDivergesOnePhase() throws {
        var site = Self.site()
        try site.start(.phaseImbalance(days: 30), asset: Self.chiller, at: 0)
        let phases = Self.values(&site, Self.chiller, at: 30 * Self.day).series["phase_current_a"]!
        let mean = phases.reduce(0, +) / 3
        #expect(phases[2] > mean * 1.08)
        #expect(abs(phases[0] - phases[1]) < 0.02 * mean)
    }

    @Test func theTropicalClimateHasSeasonsAndDays() {
        let climate = Climate.tropical()
        let april = 105 * Self.day
        let december = 350 * Self.day
        #expect(climate.season(at: april) == .hot)
        #expect(climate.season(at: 200 * Self.day) == .rainy)
        #expect(climate.season(at: december) == .cool)
        #expect(
            climate.outdoorTemperature(at: april + 15 * 3600) > climate.outdoorTemperature(at: december + 15 * 3600) + 2
        )
        let swing = climate.outdoorTemperature(at: april + 15 * 3600) - climate.outdoorTemperature(at: april + 3 * 3600)
        #expect(swing > 6 && swing < 12)
    }
}
