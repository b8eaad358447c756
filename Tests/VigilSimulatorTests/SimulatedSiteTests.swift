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
        #expect(vibration(20) < 3)
        #expect(vibration(50) > 5)
        #expect(vibration(80) < 3)
        #expect(vibration(170) > 5)
    }
}
