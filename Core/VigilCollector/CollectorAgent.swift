public import VigilDomain
import VigilMQTT
public import VigilOutbox
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
        public var outbox: OutboxSettings
    }

    public static let name = "collector"

    public init() {}

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly(["source", "interval_ms", "simulator", "maps_dir", "devices", "replay", "outbox"])
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
            simulation: simulation, devices: devices, replay: replay,
            outbox: try OutboxSettings(try section.child("outbox")))
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

    /// Faults injected while running (refused with a reason unless the source is the simulator),
    /// and the recorder's acknowledgements, which empty the outbox.
    public func subscriptions(_ topics: Topics) -> [String] { [topics.simulatorCommand] }

    public func subscriptions(_ topics: Topics, agentID: TopicLevel) -> [String] {
        [topics.simulatorCommand, topics.ack(agentID)]
    }

    public func publications(_ topics: Topics, agentID: TopicLevel) -> [String] {
        [topics.allTelemetry, topics.allDevices, topics.allSimulation]
    }

    public func run(_ context: AgentContext<Settings>) async throws {
        let outbox = try Outbox(
            path: context.common.stateDirectory + "/collector.db", context: context, settings: { $0.outbox })
        outbox.start()
        do {
            switch context.settings.source {
            case .simulator:
                try await runSimulator(context, outbox)
            case .modbus:
                try await runModbus(context, outbox)
            case .replay:
                try await runReplay(context, outbox)
            }
        } catch {
            await outbox.close()
            throw error
        }
        await outbox.close()
    }

    /// Takes an acknowledgement out of the inbox; false for any other message.
    func acknowledgement(_ message: MQTTMessage, _ context: AgentContext<Settings>, _ outbox: Outbox) -> Bool {
        guard case .ack(let collector)? = context.topics.parse(message.topic) else { return false }
        guard collector == context.common.agentID else {
            context.reject(message, reason: "acknowledgement for another collector (\(collector))")
            return true
        }
        if let ack = context.decode(Acknowledgement.self, from: message) { outbox.acknowledge(ack) }
        return true
    }
}
