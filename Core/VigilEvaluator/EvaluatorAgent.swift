public import VigilDomain
import VigilMQTT
public import VigilRuntime

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Subscribes to every asset's telemetry and judges every reading; publishes the retained
/// evaluation when it changes or at the heartbeat (`EvaluationGate`), or a rejection when the
/// reading is physically impossible.
public struct EvaluatorAgent: Agent {
    public struct Settings: Sendable {
        public var evaluator: Evaluator
        /// An unchanged evaluation is published again after this long; zero publishes every one.
        public var heartbeat: Duration
        /// The share of the site's assets this instance judges.
        public var partition: Partition
    }

    public static let name = "evaluator"

    public init() {}

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly([
            "limits", "heartbeat_s", "anomaly", "weights", "battery", "partition", "strict", "rul",
        ])
        var evaluator = Evaluator(
            limits: try LimitSet(config: try section.child("limits")),
            anomaly: try AnomalyPolicy(config: try section.child("anomaly")),
            weights: try Self.weights(try section.child("weights")))
        let battery = try section.child("battery")
        try battery.requireOnly(["capacity_ah", "peukert"])
        evaluator.battery.capacity = try battery.double("capacity_ah", default: 120, in: 1...100_000)
        evaluator.battery.peukert = try battery.double("peukert", default: 1.15, in: 1...1.6)
        evaluator.strict = try section.bool("strict", default: false)
        evaluator.rul = try PrognosisSettings(config: try section.child("rul"))
        return Settings(
            evaluator: evaluator, heartbeat: .seconds(try section.int("heartbeat_s", default: 60, in: 0...86_400)),
            partition: try Partition(try section.string("partition", default: "0/1"), key: section.key("partition")))
    }

    /// `weights.<kind>.<component>`: replaces that one weight; the other defaults stay.
    static func weights(_ node: ConfigNode) throws(ConfigError) -> [String: [String: Double]] {
        var weights = Evaluator.defaultWeights
        for (kind, components) in try node.entries() {
            for component in components.keys {
                weights[kind, default: [:]][component] = try components.double(component, default: 1, in: 0...1000)
            }
        }
        return weights
    }

    public func subscriptions(_ topics: Topics) -> [String] { [topics.allTelemetry] }

    public func publications(_ topics: Topics, agentID: TopicLevel) -> [String] {
        [topics.allEvaluations, topics.allRejected]
    }

    public func run(_ context: AgentContext<Settings>) async throws {
        if context.settings.partition != .whole {
            context.log.notice("judging partition \(context.settings.partition) of the site's assets")
        }
        let baselinesPath = context.common.stateDirectory + "/" + Self.baselinesFile
        let saver = BackgroundSaver<EvaluatorState, Never>(
            save: { state in Self.save(state, to: baselinesPath, context) }, placed: { context.saverPlaced($0) })
        var loop = Loop(saver: saver, state: Self.loadState(baselinesPath, context))
        // Judged on the agent's task, not on the network thread as the alerter does: a replay or a
        // catch-up arrives faster than it is judged, and the `max_undelivered` messages buffered
        // here are what keeps a stock broker (1,000 queued per client) from dropping the rest.
        for await message in context.messages { loop.take(message, context) }
        loop.saveIfChanged(context)
        saver.stop()
    }

    static let baselinesFile = "evaluator-baselines.json"
    /// What a crash can lose of the baselines: a minute of learning, never a learned baseline
    /// once it was saved.
    static let saveInterval = Duration.seconds(60)
    /// Trends alone are written this often: they gain a point an hour per jar and machine.
    static let trendSaveInterval = Duration.seconds(3600)

    /// A missing file starts learning afresh; an unreadable one too, loudly, and is kept aside.
    static func loadState(_ path: String, _ context: AgentContext<Settings>) -> EvaluatorState {
        guard FileSystem.exists(path) else { return EvaluatorState() }
        do {
            let bytes = try FileSystem.read(path)
            return try JSONDecoder().decode(EvaluatorState.self, from: Data(bytes))
        } catch {
            context.log.error("cannot read the baselines in \(path) (\(error)); learning them again")
            try? FileSystem.writeAtomically((try? FileSystem.read(path)) ?? [], to: path + ".unreadable")
            return EvaluatorState()
        }
    }

    /// Runs on the saver's thread. `baselines_save_ms` shows an operator what a save costs on
    /// this gateway's flash: off the judging loop, but still a core's time once a minute.
    static func save(_ state: EvaluatorState, to path: String, _ context: AgentContext<Settings>) {
        let started = ContinuousClock.now
        do {
            try FileSystem.writeAtomically(Array(try JSONEncoder().encode(state)), to: path)
            context.counters.set("baselines_save_ms", to: Int(Loop.milliseconds(.now - started)))
            // The encoding of a large site's baselines is megabytes the heap would otherwise keep.
            AgentRuntime.returnFreedMemory()
        } catch {
            context.counters.increment("baselines_write_failed")
            context.log.warning("cannot save the baselines to \(path): \(error)")
        }
    }
}
