public import VigilDomain
import VigilMQTT
public import VigilRuntime
import VigilSimulator

/// Reads the site — the built-in simulator or Modbus devices — and publishes one reading per asset
/// on `telemetry/<asset>`, each with its never-repeating per-asset `seq`.
public struct CollectorAgent: Agent {
    public struct Settings: Sendable {
        public enum Source: String, Sendable {
            case simulator, modbus, replay
        }

        public var source: Source
        public var interval: Duration
        public var simulation: SimulationSettings
        public var devices: [ModbusDevice]
        public var replay: ReplaySettings?
    }

    public static let name = "collector"

    public init() {}

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly(["source", "interval_ms", "simulator", "maps_dir", "devices", "replay"])
        let simulation = try SimulationSettings(try section.child("simulator"))
        let sourceName = try section.string("source", default: "simulator")
        guard let source = Settings.Source(rawValue: sourceName) else {
            throw ConfigError(key: section.key("source"), reason: "expected simulator, modbus or replay")
        }
        let devices = try ModbusDevice.list(
            section.list("devices"), mapsDirectory: try section.string("maps_dir", default: "/etc/vigil/maps"))
        if source == .modbus && devices.isEmpty {
            throw ConfigError(key: section.key("devices"), reason: "source modbus needs at least one device")
        }
        let replay = try ReplaySettings(try section.child("replay"))
        if source == .replay {
            guard let replay else { throw ConfigError(key: section.key("replay"), reason: "source replay needs it") }
            // Open it now: a file that cannot be replayed stops the collector at start, with the reason.
            _ = try replay.source()
        }
        return Settings(
            source: source,
            interval: .milliseconds(try section.int("interval_ms", default: 1000, in: 10...3_600_000)),
            simulation: simulation, devices: devices, replay: replay)
    }

    public static func validateChange(from current: Settings, to new: Settings) throws(ConfigError) {
        guard current.simulation.seed == new.simulation.seed, current.simulation.site == new.simulation.site else {
            throw ConfigError(
                key: "simulator",
                reason: "seed, site, strings and scenarios cannot change while the collector runs; "
                    + "set them in the file, or inject faults on command/simulator")
        }
        guard current.source == new.source, current.devices == new.devices, current.replay == new.replay else {
            throw ConfigError(
                key: current.source == new.source ? "devices" : "source",
                reason: "cannot change while the collector runs; set it in the file")
        }
    }

    /// Faults injected while running; refused with a reason unless the source is the simulator.
    public func subscriptions(_ topics: Topics) -> [String] { [topics.simulatorCommand] }

    public func run(_ context: AgentContext<Settings>) async throws {
        let sequencesPath = context.common.stateDirectory + "/collector.db"
        switch context.settings.source {
        case .simulator:
            var sequences = try SequenceAllocator(path: sequencesPath)
            defer { sequences.close() }
            try await runSimulator(context, &sequences)
        case .modbus:
            try await runModbus(context, sequences: try SequenceAllocator(path: sequencesPath))
        case .replay:
            var sequences = try SequenceAllocator(path: sequencesPath)
            defer { sequences.close() }
            try await runReplay(context, &sequences)
        }
    }
}
