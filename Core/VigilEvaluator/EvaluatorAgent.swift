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
        var gate = EvaluationGate()
        let baselinesPath = context.common.stateDirectory + "/" + Self.baselinesFile
        var state = Self.loadState(baselinesPath, context)
        var lastSave = ContinuousClock.now
        var savedRevision = state.revision
        var savedTrends = state.trendRevision
        defer {
            if state.revision != savedRevision || state.trendRevision != savedTrends {
                Self.save(state, to: baselinesPath, context)
            }
        }
        // Monotonic: a clock set back must not hold evaluations back for as long.
        let start = ContinuousClock.now
        func milliseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }
        for await message in context.messages {
            guard case .telemetry(let topicAsset) = context.topics.parse(message.topic) else {
                context.reject(message, reason: "topic is not a telemetry topic of this site")
                continue
            }
            // Another instance's asset: skipped before any decoding, so N instances share the work.
            guard context.settings.partition.contains(topicAsset.rawValue) else {
                context.counters.increment("other_partition")
                continue
            }
            guard let reading = context.decode(Reading.self, from: message) else { continue }
            guard reading.asset == topicAsset, reading.site == context.common.site else {
                context.reject(
                    message,
                    reason: "asset/site: payload says \(reading.site)/\(reading.asset), topic says \(topicAsset)")
                continue
            }
            // A dead link is not a dead battery: only values the device vouched for are judged.
            guard reading.quality == .good else {
                context.counters.increment("skipped_\(reading.quality.rawValue)")
                continue
            }
            // A reading the outbox sent again after an outage is history: judging it now would
            // overwrite the retained evaluation with an older state and raise or clear alarms
            // out of time. The recorder stores it all the same.
            guard !reading.historical else {
                context.counters.increment("skipped_historical")
                continue
            }
            switch context.settings.evaluator.evaluate(reading, state: &state) {
            case .evaluated(let evaluation):
                context.counters.increment("evaluated")
                let sinceSave = ContinuousClock.now - lastSave
                if (state.revision != savedRevision && sinceSave >= Self.saveInterval)
                    || (state.trendRevision != savedTrends && sinceSave >= Self.trendSaveInterval)
                {
                    Self.save(state, to: baselinesPath, context)
                    lastSave = .now
                    savedRevision = state.revision
                    savedTrends = state.trendRevision
                }
                let settings = context.settings
                guard
                    gate.admit(
                        evaluation, now: milliseconds(.now - start), heartbeat: milliseconds(settings.heartbeat),
                        disconnections: context.disconnections)
                else {
                    context.counters.increment("unchanged")
                    continue
                }
                context.enqueue(
                    MQTTMessage(
                        topic: context.topics.evaluation(reading.asset), payload: PayloadCodec.encode(evaluation),
                        qos: .atLeastOnce, retain: true))
            case .impossible(let rejection):
                context.counters.increment("impossible")
                context.log.warning("rejected \(reading.asset) seq \(reading.seq): \(rejection.reason)")
                context.enqueue(
                    MQTTMessage(
                        topic: context.topics.rejected(reading.asset), payload: PayloadCodec.encode(rejection),
                        qos: .atLeastOnce, retain: false))
            }
        }
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

    static func save(_ state: EvaluatorState, to path: String, _ context: AgentContext<Settings>) {
        do {
            try FileSystem.writeAtomically(Array(try JSONEncoder().encode(state)), to: path)
        } catch {
            context.counters.increment("baselines_write_failed")
            context.log.warning("cannot save the baselines to \(path): \(error)")
        }
    }
}
