public import VigilDomain
import VigilMQTT
public import VigilRuntime
import VigilSimulator

/// Reads the site — the built-in simulator or Modbus devices — and publishes one reading per asset
/// on `telemetry/<asset>`, each with its never-repeating per-asset `seq`.
public struct CollectorAgent: Agent {
    public struct Settings: Sendable {
        public enum Source: String, Sendable {
            case simulator, modbus
        }

        public var source: Source
        public var interval: Duration
        public var seed: UInt64
        /// Simulated seconds per real second: tests and demos see a minute of failure in seconds.
        public var timeScale: Double
        public var devices: [ModbusDevice]
    }

    public static let name = "collector"

    public init() {}

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly(["source", "interval_ms", "simulator", "maps_dir", "devices"])
        let simulator = try section.child("simulator")
        try simulator.requireOnly(["seed", "time_scale"])
        let sourceName = try section.string("source", default: "simulator")
        guard let source = Settings.Source(rawValue: sourceName) else {
            throw ConfigError(key: section.key("source"), reason: "expected simulator or modbus")
        }
        let devices = try ModbusDevice.list(
            section.list("devices"), mapsDirectory: try section.string("maps_dir", default: "/etc/vigil/maps"))
        if source == .modbus && devices.isEmpty {
            throw ConfigError(key: section.key("devices"), reason: "source modbus needs at least one device")
        }
        return Settings(
            source: source,
            interval: .milliseconds(try section.int("interval_ms", default: 1000, in: 10...3_600_000)),
            seed: UInt64(try simulator.int("seed", default: 42, in: 0...Int.max)),
            timeScale: try simulator.double("time_scale", default: 1, in: 0.001...10_000), devices: devices)
    }

    public static func validateChange(from current: Settings, to new: Settings) throws(ConfigError) {
        guard current.seed == new.seed else {
            throw ConfigError(
                key: "simulator.seed", reason: "cannot change while the collector runs; set it in the file")
        }
        guard current.source == new.source, current.devices == new.devices else {
            throw ConfigError(
                key: current.source == new.source ? "devices" : "source",
                reason: "cannot change while the collector runs; set it in the file")
        }
    }

    public func subscriptions(_ topics: Topics) -> [String] { [] }

    public func run(_ context: AgentContext<Settings>) async throws {
        let sequencesPath = context.common.stateDirectory + "/collector.db"
        switch context.settings.source {
        case .simulator:
            var sequences = try SequenceAllocator(path: sequencesPath)
            defer { sequences.close() }
            try await runSimulator(context, &sequences)
        case .modbus:
            try await runModbus(context, sequences: try SequenceAllocator(path: sequencesPath))
        }
    }
}
