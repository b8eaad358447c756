import Glibc
import Testing
import VigilRuntime
import VigilYAML

@testable import VigilCollector

@Suite struct SequenceAllocatorTests {
    let path: String = {
        var template = Array("/tmp/vigil-collector-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!) + "/collector.db"
    }()

    @Test func countsUpPerAsset() throws {
        var allocator = try SequenceAllocator(path: path, blockSize: 10)
        #expect(try (0..<25).map { _ in try allocator.allocate("a") } == Array(1...25))
        #expect(try allocator.allocate("b") == 1)
        allocator.close()
    }

    @Test func neverRepeatsAfterARestartOrACrash() throws {
        var first = try SequenceAllocator(path: path, blockSize: 10)
        var last: UInt64 = 0
        for _ in 0..<13 { last = try first.allocate("a") }
        // No close: the process "dies" here; the reservation on disk is all that survives.
        var second = try SequenceAllocator(path: path, blockSize: 10)
        let next = try second.allocate("a")
        #expect(next > last)
        #expect(next <= last + 10)
        second.close()
        first.close()
        var third = try SequenceAllocator(path: path, blockSize: 10)
        #expect(try third.allocate("a") > next)
        third.close()
    }
}

@Suite struct CollectorSettingsTests {
    func settings(_ yaml: String) throws -> CollectorAgent.Settings {
        try CollectorAgent.settings(from: ConfigNode(try YAML.parse(yaml), path: "collector"))
    }

    @Test func defaultsAndOverrides() throws {
        let defaults = try settings("")
        #expect(defaults.interval == .seconds(1))
        #expect(defaults.seed == 42)
        #expect(defaults.timeScale == 1)
        let custom = try settings("interval_ms: 200\nsimulator: {seed: 7, time_scale: 10}\n")
        #expect(custom.interval == .milliseconds(200))
        #expect(custom.seed == 7)
        #expect(custom.timeScale == 10)
    }

    @Test func aRunningCollectorRefusesANewSeed() throws {
        let running = try settings("")
        #expect(throws: ConfigError.self) {
            try CollectorAgent.validateChange(from: running, to: try settings("simulator: {seed: 1}\n"))
        }
        try CollectorAgent.validateChange(from: running, to: try settings("interval_ms: 500\n"))
    }
}
