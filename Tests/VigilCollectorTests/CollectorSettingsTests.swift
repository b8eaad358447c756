import Testing
import VigilDomain
import VigilRuntime
import VigilYAML

@testable import VigilCollector

@Suite struct CollectorSettingsTests {
    func settings(_ yaml: String) throws -> CollectorAgent.Settings {
        try CollectorAgent.settings(from: ConfigNode(try YAML.parse(yaml), path: "collector"))
    }

    @Test func defaultsAndOverrides() throws {
        let defaults = try settings("")
        #expect(defaults.interval == .seconds(1))
        #expect(defaults.simulation.seed == 42)
        #expect(defaults.simulation.speed == 1)
        #expect(defaults.simulation.site == .demo)
        #expect(defaults.source == .simulator)
        let custom = try settings(
            """
            interval_ms: 200
            simulator:
              seed: 7
              speed: 3600
              site: realistic
              outages_per_year: [0, 0]
              strings: {ups1-str02: {profile: failing, age_years: 3}}
              scenarios:
                - {asset: pump-1, scenario: bearing_wear, start_s: 86400, days: 30}
            """)
        #expect(custom.interval == .milliseconds(200))
        #expect(custom.simulation.seed == 7)
        #expect(custom.simulation.speed == 3600)
        #expect(custom.simulation.site.outages == .none)
        #expect(custom.simulation.site.strings[try TopicLevel("ups1-str02")]?.profile == .failing)
        #expect(custom.simulation.site.scenarios.count == 1)
        #expect(custom.simulation.site.scenarios.first?.start == 86400)
        #expect(custom.simulation.site.stringCount == 2 && custom.simulation.site.pumpCount == 2)
    }

    /// The benchmark's data centre, and the counts a site cannot have, refused with their key.
    @Test func aLargerSiteIsCountedAndImpossibleCountsAreRefused() throws {
        let large = try settings("simulator: {site: realistic, string_count: 81, chiller_count: 2, pump_count: 4}\n")
        #expect(large.simulation.site.stringCount == 81)
        #expect(large.simulation.site.chillerCount == 2)
        #expect(large.simulation.site.pumpCount == 4)
        for (yaml, key) in [
            ("simulator: {string_count: 1}\n", "string_count"), ("simulator: {pump_count: 101}\n", "pump_count"),
            ("simulator: {chiller_count: 0}\n", "chiller_count"),
        ] {
            #expect {
                _ = try settings(yaml)
            } throws: { error in
                (error as? ConfigError)?.key.hasSuffix(key) == true
            }
        }
    }

    @Test func aRunningCollectorRefusesANewSeed() throws {
        let running = try settings("")
        #expect(throws: ConfigError.self) {
            try CollectorAgent.validateChange(from: running, to: try settings("simulator: {seed: 1}\n"))
        }
        #expect(throws: ConfigError.self) {
            try CollectorAgent.validateChange(from: running, to: try settings("simulator: {site: realistic}\n"))
        }
        try CollectorAgent.validateChange(from: running, to: try settings("interval_ms: 500\nsimulator: {speed: 60}\n"))
    }
}

@Suite struct ScenarioRequestTests {
    func request(_ yaml: String) throws(ConfigError) -> ScenarioRequest {
        try ScenarioRequest(ConfigNode(try! YAML.parse(yaml)), allowStart: false)
    }

    @Test func parsesEveryScenarioWithItsParameters() throws {
        #expect(try request("{asset: pump-1, scenario: bearing_wear, days: 12}").scenario == .bearingWear(days: 12))
        #expect(
            try request("{asset: ups1-str01, scenario: thermal_runaway, jar: 3, hours: 2}").scenario
                == .thermalRunaway(jar: 3, hours: 2))
        #expect(
            try request("{asset: pump-2, scenario: vibration_episodes}").scenario
                == .vibrationEpisodes(period: 120, duration: 30, mmPerSecond: 5.8))
        for name in ScenarioRequest.names {
            let asset = name.contains("jar") || name.contains("runaway") || name.contains("connection") ? "s" : "p"
            _ = try request("{asset: \(asset), scenario: \(name)}")
        }
    }

    @Test func refusesWithTheKeyAndReason() {
        let cases: [(String, String)] = [
            ("{asset: pump-1, scenario: gremlins}", "scenario"),
            ("{asset: pump-1, scenario: bearing_wear, days: -1}", "days"),
            ("{asset: pump-1, scenario: bearing_wear, jar: 1}", "jar"),
            ("{asset: pump 1, scenario: bearing_wear}", "asset"),
            ("{asset: ups1-str01, scenario: thermal_runaway, jar: 25}", "jar"),
            ("{asset: pump-1, scenario: bearing_wear, start_s: 5}", "start_s"),
        ]
        for (yaml, key) in cases {
            do {
                _ = try request(yaml)
                Issue.record("accepted \(yaml)")
            } catch {
                #expect(error.key == key, "\(error)")
            }
        }
    }
}
