public import VigilDomain
import VigilMQTT
public import VigilRuntime
import VigilSimulator

/// Samples the built-in simulated site on a fixed period and publishes one reading per asset on
/// `telemetry/<asset>`, each with its never-repeating per-asset `seq`.
public struct CollectorAgent: Agent {
    public struct Settings: Sendable {
        public var interval: Duration
        public var seed: UInt64
        /// Simulated seconds per real second: tests and demos see a minute of failure in seconds.
        public var timeScale: Double
    }

    public static let name = "collector"

    public init() {}

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly(["interval_ms", "simulator"])
        let simulator = try section.child("simulator")
        try simulator.requireOnly(["seed", "time_scale"])
        return Settings(
            interval: .milliseconds(try section.int("interval_ms", default: 1000, in: 10...3_600_000)),
            seed: UInt64(try simulator.int("seed", default: 42, in: 0...Int.max)),
            timeScale: try simulator.double("time_scale", default: 1, in: 0.001...10_000))
    }

    public static func validateChange(from current: Settings, to new: Settings) throws(ConfigError) {
        guard current.seed == new.seed else {
            throw ConfigError(
                key: "simulator.seed", reason: "cannot change while the collector runs; set it in the file")
        }
    }

    public func subscriptions(_ topics: Topics) -> [String] { [] }

    public func run(_ context: AgentContext<Settings>) async throws {
        var sequences = try SequenceAllocator(path: context.common.stateDirectory + "/collector.db")
        defer { sequences.close() }
        var site = SimulatedSite(seed: context.settings.seed)
        let clock = ContinuousClock()
        let start = clock.now
        var tick = start
        context.log.notice("simulating \(site.assets.count) assets every \(context.settings.interval)")
        while !Task.isCancelled && !context.isStopping {
            let elapsed = start.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let now = Timestamp.now()
            for sample in site.sample(elapsed: seconds * context.settings.timeScale) {
                let reading = Reading(
                    site: context.common.site, asset: sample.asset, kind: sample.kind,
                    seq: try sequences.allocate(sample.asset.rawValue), ts: now, source: "sim", values: sample.values)
                context.enqueue(
                    MQTTMessage(
                        topic: context.topics.telemetry(sample.asset), payload: PayloadCodec.encode(reading),
                        qos: .atLeastOnce))
                context.counters.increment("readings")
            }
            // Fixed-rate schedule: a slow tick does not shift every later one.
            tick = tick.advanced(by: context.settings.interval)
            if tick < clock.now { tick = clock.now }
            do {
                try await Task.sleep(until: tick, clock: clock)
            } catch {
                return
            }
        }
    }
}
