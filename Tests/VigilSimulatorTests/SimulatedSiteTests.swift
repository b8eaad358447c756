import Testing
import VigilDomain
import VigilSimulator

@Suite struct SimulatedSiteTests {
    func jar(_ samples: [SimulatedSite.Sample], asset: String, jar: Int, _ metric: String) -> Double {
        samples.first { $0.asset.rawValue == asset }!.values.jars[jar - 1][metric]!
    }

    @Test func hasTheDocumentedAssets() {
        var site = SimulatedSite()
        let samples = site.sample(elapsed: 0)
        #expect(samples.map(\.asset.rawValue) == ["ups1-str01", "ups1-str02", "chiller-1", "pump-1", "pump-2"])
        #expect(samples.map(\.kind) == [.vrlaString, .vrlaString, .chiller, .pump, .pump])
        for battery in samples.prefix(2) {
            #expect(battery.values.jars.count == 24)
            let sum = battery.values.jars.reduce(0) { $0 + $1["voltage_v"]! }
            #expect(abs(sum - battery.values.scalars["string_voltage_v"]!) < 1e-9)
        }
        #expect(samples[2].values.series["phase_current_a"]?.count == 3)
    }

    /// The benchmark's data centre: 81 strings (1,944 jars), two chillers, four pumps. The small
    /// site's five assets are still first and still sample exactly as they did.
    @Test func aLargerSiteKeepsTheSmallSitesAssetsAsTheyWere() throws {
        var configuration = SiteConfiguration.realistic
        configuration.stringCount = 81
        configuration.chillerCount = 2
        configuration.pumpCount = 4
        var large = try SimulatedSite(seed: 7, configuration: configuration)
        var small = try SimulatedSite(seed: 7, configuration: .realistic)
        let samples = large.sample(elapsed: 3600)
        #expect(samples.count == 81 + 2 + 4)
        #expect(samples.filter { $0.kind == .vrlaString }.reduce(0) { $0 + $1.values.jars.count } == 1944)
        #expect(Array(samples.prefix(5)) == small.sample(elapsed: 3600))
        let names = samples.map(\.asset.rawValue)
        #expect(
            names[5] == "ups1-str03" && names[83] == "ups1-str81"
                && names.suffix(3) == ["chiller-2", "pump-3", "pump-4"])
        #expect(Set(names).count == names.count)
        // Fewer than the small site has is the small site, not a crash.
        configuration.stringCount = 0
        configuration.chillerCount = 0
        configuration.pumpCount = 0
        #expect(try SimulatedSite(seed: 7, configuration: configuration).assets.count == 5)
    }

    @Test func isReproducibleForASeed() {
        var first = SimulatedSite(seed: 7)
        var second = SimulatedSite(seed: 7)
        var other = SimulatedSite(seed: 8)
        let a = first.sample(elapsed: 3)
        #expect(a == second.sample(elapsed: 3))
        #expect(a != other.sample(elapsed: 3))
    }

    @Test func jarSevenFailsWithinAMinute() {
        var site = SimulatedSite()
        let start = site.sample(elapsed: 0)
        #expect(jar(start, asset: "ups1-str01", jar: 7, "resistance_mohm") < 4.3)
        let half = site.sample(elapsed: 30)
        #expect(jar(half, asset: "ups1-str01", jar: 7, "resistance_mohm") > 5.0)
        let minute = site.sample(elapsed: 60)
        #expect(jar(minute, asset: "ups1-str01", jar: 7, "resistance_mohm") > 6.0)
        #expect(jar(minute, asset: "ups1-str01", jar: 7, "voltage_v") < 13.0)
        // Its neighbours and the other string stay healthy.
        #expect(jar(minute, asset: "ups1-str01", jar: 6, "resistance_mohm") < 4.3)
        #expect(jar(minute, asset: "ups1-str02", jar: 7, "resistance_mohm") < 4.3)
    }

    @Test func pumpTwoVibratesInEpisodes() {
        var site = SimulatedSite()
        func vibration(_ elapsed: Double) -> Double {
            site.sample(elapsed: elapsed).first { $0.asset.rawValue == "pump-2" }!.values.scalars["vibration_mm_s"]!
        }
        // Zone B between episodes, zone C (a warning, not critical) during them: ISO 10816-3 group 2.
        #expect(vibration(20) < 2.5)
        #expect((2.8..<4.5).contains(vibration(50)))
        #expect(vibration(80) < 2.5)
        #expect((2.8..<4.5).contains(vibration(170)))
    }
}

@Suite struct SimulatedSiteBehaviourTests {
    static let year = 31_557_600.0

    /// Irregular sample times across a year, with faults and seeded outages: everything replays.
    @Test func sameSeedConfigurationAndTimesGiveIdenticalOutput() throws {
        var configuration = SiteConfiguration.demo
        configuration.strings[try TopicLevel("ups1-str02")] = .init(profile: .failing, ageYears: 0.5)
        configuration.scenarios.append(.init(.bearingWear(days: 200), asset: try TopicLevel("chiller-1"), start: 3600))
        configuration.scenarios.append(
            .init(.openConnection(jar: 3, milliohm: 40), asset: try TopicLevel("ups1-str02"), start: 0))
        var first = try SimulatedSite(seed: 77, configuration: configuration)
        var second = try SimulatedSite(seed: 77, configuration: configuration)
        var other = try SimulatedSite(seed: 78, configuration: configuration)
        var elapsed = 0.0
        var differs = false
        var step = 1.0
        while elapsed < Self.year {
            let a = first.sample(elapsed: elapsed)
            #expect(a == second.sample(elapsed: elapsed))
            if a != other.sample(elapsed: elapsed) { differs = true }
            elapsed += step
            step = step < 40_000 ? step * 1.7 : 7 * 3600 + 123
        }
        for asset in first.assets { #expect(first.groundTruth(asset.id) == second.groundTruth(asset.id)) }
        #expect(differs)
    }

    @Test func aWholeYearAtHourlyStepsRuns() {
        var site = SimulatedSite(seed: 1)
        var count = 0
        for hour in stride(from: 0.0, through: 8760 * 3600, by: 3600) { count += site.sample(elapsed: hour).count }
        #expect(count == 8761 * 5)
        #expect(site.elapsed == 8760 * 3600)
    }

    @Test func theDemoIsTheDefaultAndItsTruthIsKnown() throws {
        var site = SimulatedSite()
        #expect(site.configuration == .demo)
        _ = site.sample(elapsed: 60)
        #expect(site.groundTruth(SimulatedSite.failingString)?.scenarios == ["demo_jar_failure"])
        #expect(site.groundTruth(SimulatedSite.vibratingPump)?.scenarios == ["vibration_episodes"])
        #expect(site.groundTruth(try TopicLevel("chiller-1"))?.scenarios == [])
        let soh = try #require(site.groundTruth(try TopicLevel("ups1-str02"))?.stateOfHealth)
        #expect(soh > 0.999)
        #expect(site.groundTruth(try TopicLevel("nope")) == nil)
    }

    @Test func scenariosAreCheckedAgainstTheirAsset() throws {
        var site = SimulatedSite()
        #expect(throws: SimulatorError.self) {
            try site.start(.bearingWear(days: 10), asset: try TopicLevel("ups1-str01"), at: 0)
        }
        #expect(throws: SimulatorError.self) {
            try site.start(.condenserFouling(days: 10), asset: try TopicLevel("pump-1"), at: 0)
        }
        #expect(throws: SimulatorError.self) {
            try site.start(.thermalRunaway(jar: 25, hours: 10), asset: try TopicLevel("ups1-str01"), at: 0)
        }
        #expect(throws: SimulatorError.self) {
            try site.start(.imbalance(days: -1), asset: try TopicLevel("pump-1"), at: 0)
        }
        #expect(throws: SimulatorError.self) {
            try site.start(.imbalance(days: 1), asset: try TopicLevel("pump-9"), at: 0)
        }
        try site.start(.imbalance(days: 1), asset: try TopicLevel("pump-1"), at: 100)
        _ = site.sample(elapsed: 50)
        #expect(site.groundTruth(try TopicLevel("pump-1"))?.scenarios == [])
        _ = site.sample(elapsed: 100)
        #expect(site.groundTruth(try TopicLevel("pump-1"))?.scenarios == ["imbalance"])
    }
}
