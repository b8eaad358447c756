import VigilDomain
import VigilMQTT
import VigilRuntime

extension EvaluatorAgent {
    /// The evaluator's per-message work and what it keeps between messages.
    struct Loop: Sendable {
        /// Writes the baselines on a thread of its own: encoding a 1,944-jar site's and the fsync
        /// took the judging loop away for about 100 ms once a minute.
        let saver: BackgroundSaver<EvaluatorState, Never>
        var gate = EvaluationGate()
        var state: EvaluatorState
        var lastSave = ContinuousClock.now
        var savedRevision: UInt64
        var savedTrends: UInt64
        /// Monotonic: a clock set back must not hold evaluations back for as long.
        let start = ContinuousClock.now

        init(saver: BackgroundSaver<EvaluatorState, Never>, state: EvaluatorState) {
            self.saver = saver
            self.state = state
            savedRevision = state.revision
            savedTrends = state.trendRevision
        }

        mutating func take(_ message: MQTTMessage, _ context: AgentContext<Settings>) {
            guard case .telemetry(let topicAsset) = context.topics.parse(message.topic) else {
                context.reject(message, reason: "topic is not a telemetry topic of this site")
                return
            }
            // Another instance's asset: skipped before any decoding, so N instances share the work.
            let settings = context.settings
            guard settings.partition.contains(topicAsset.rawValue) else {
                context.counters.increment("other_partition")
                return
            }
            guard let reading = context.decode(Reading.self, from: message) else { return }
            guard reading.asset == topicAsset, reading.site == context.common.site else {
                context.reject(
                    message,
                    reason: "asset/site: payload says \(reading.site)/\(reading.asset), topic says \(topicAsset)")
                return
            }
            // A dead link is not a dead battery: only values the device vouched for are judged.
            guard reading.quality == .good else {
                context.counters.increment("skipped_\(reading.quality.rawValue)")
                return
            }
            // A reading the outbox sent again after an outage is history: judging it now would
            // overwrite the retained evaluation with an older state and raise or clear alarms
            // out of time. The recorder stores it all the same.
            guard !reading.historical else {
                context.counters.increment("skipped_historical")
                return
            }
            switch settings.evaluator.evaluate(reading, state: &state) {
            case .evaluated(let evaluation):
                context.counters.increment("evaluated")
                let sinceSave = ContinuousClock.now - lastSave
                if (state.revision != savedRevision && sinceSave >= EvaluatorAgent.saveInterval)
                    || (state.trendRevision != savedTrends && sinceSave >= EvaluatorAgent.trendSaveInterval)
                {
                    save(context)
                }
                guard
                    gate.admit(
                        evaluation, now: Self.milliseconds(.now - start),
                        heartbeat: Self.milliseconds(settings.heartbeat), disconnections: context.disconnections)
                else {
                    context.counters.increment("unchanged")
                    return
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

        /// Has the baselines written if they changed since the last save.
        mutating func saveIfChanged(_ context: AgentContext<Settings>) {
            if state.revision != savedRevision || state.trendRevision != savedTrends { save(context) }
        }

        private mutating func save(_ context: AgentContext<Settings>) {
            saver.submit(state)
            lastSave = .now
            savedRevision = state.revision
            savedTrends = state.trendRevision
        }

        static func milliseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }
    }
}
