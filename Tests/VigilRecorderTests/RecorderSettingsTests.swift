import Testing
import VigilRuntime
import VigilYAML

@testable import VigilRecorder

@Suite struct RecorderSettingsTests {
    func settings(_ yaml: String) throws -> RecorderAgent.Settings {
        try RecorderAgent.settings(from: ConfigNode(try YAML.parse(yaml), path: "recorder"))
    }

    @Test func rollupAndCacheSettingsHaveDefaultsAndLimits() throws {
        let defaults = try settings("")
        #expect(defaults.rollupInterval == .seconds(60))
        #expect(defaults.cacheMegabytes == 2)
        let custom = try settings("rollup_flush_s: 5\ncache_mb: 16\n")
        #expect(custom.rollupInterval == .seconds(5) && custom.cacheMegabytes == 16)
        for (yaml, key) in [
            ("rollup_flush_s: 0", "rollup_flush_s"), ("cache_mb: 0", "cache_mb"), ("cache_mb: x", "cache_mb"),
        ] {
            #expect(throws: ConfigError.self, "\(yaml)") { try settings(yaml) }
            do {
                _ = try settings(yaml)
            } catch let error as ConfigError {
                #expect(error.description.contains(key), "\(error)")
            }
        }
    }

    @Test func acknowledgementsWaitForASyncOncePerSecondByDefault() throws {
        #expect(try settings("").syncInterval == .seconds(1))
        #expect(try settings("sync_ms: 0").syncInterval == .zero)
        #expect(try settings("sync_ms: 250").syncInterval == .milliseconds(250))
        for yaml in ["sync_ms: -1", "sync_ms: 60001", "sync_ms: soon"] {
            do {
                _ = try settings(yaml)
                Issue.record("accepted \(yaml)")
            } catch let error as ConfigError {
                #expect(error.description.contains("sync_ms"), "\(error)")
            }
        }
    }

    @Test func theCacheCannotChangeWhileTheRecorderRuns() throws {
        let current = try settings("")
        #expect(throws: ConfigError.self) {
            try RecorderAgent.validateChange(from: current, to: try settings("cache_mb: 8"))
        }
        try RecorderAgent.validateChange(from: current, to: try settings("rollup_flush_s: 10"))
    }
}
