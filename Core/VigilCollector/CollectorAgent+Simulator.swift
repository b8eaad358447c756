import VigilDomain
import VigilMQTT
import VigilOutbox
import VigilRuntime
import VigilSimulator

extension CollectorAgent {
    enum SimulatorEvent: Sendable {
        case tick
        case command(MQTTMessage)
    }

    /// Samples the simulated site on a fixed period, publishes its readings and, every
    /// `truth_interval_s`, its ground truth; injects faults that arrive on `command/simulator`.
    ///
    /// Readings carry simulated time: at `speed` 3600 an hour passes every second, and `ts` says so,
    /// so trends and remaining-life estimates see the ageing they would see in a year on site.
    func runSimulator(_ context: AgentContext<Settings>, _ outbox: Outbox) async throws {
        var sequences = SequenceNumbers(last: outbox.lastSequences)
        let settings = context.settings.simulation
        var site: SimulatedSite
        do {
            site = try SimulatedSite(seed: settings.seed, configuration: settings.site)
        } catch {
            throw ConfigError(key: "simulator", reason: error.description)
        }
        let (events, sink) = AsyncStream.makeStream(of: SimulatorEvent.self)
        // Commands arrive in the agent's inbox, which the runtime closes at stop: that ends the loop.
        let forwarder = Task {
            for await message in context.messages where !acknowledgement(message, context, outbox) {
                sink.yield(.command(message))
            }
            sink.finish()
        }
        let ticker = Task {
            let clock = ContinuousClock()
            var tick = clock.now
            while !Task.isCancelled {
                sink.yield(.tick)
                // Fixed rate: a slow tick does not shift every later one.
                tick = tick.advanced(by: context.settings.interval)
                if tick < clock.now { tick = clock.now }
                do {
                    try await Task.sleep(until: tick, clock: clock)
                } catch {
                    return
                }
            }
        }
        defer {
            forwarder.cancel()
            ticker.cancel()
        }
        context.log.notice(
            "simulating \(site.assets.count) assets (seed \(settings.seed), \(settings.speed)× real time) "
                + "every \(context.settings.interval)")

        let started = Timestamp.now()
        let clock = ContinuousClock()
        var lastTick = clock.now
        var elapsed = 0.0
        var lastTruth: ContinuousClock.Instant?
        for await event in events {
            switch event {
            case .tick:
                let now = clock.now
                let real = lastTick.duration(to: now)
                lastTick = now
                elapsed +=
                    (Double(real.components.seconds) + Double(real.components.attoseconds) * 1e-18)
                    * context.settings.simulation.speed
                let ts = started.adding(milliseconds: Int64(elapsed * 1000))
                for sample in site.sample(elapsed: elapsed) {
                    let reading = Reading(
                        site: context.common.site, asset: sample.asset, kind: sample.kind,
                        seq: sequences.next(sample.asset.rawValue), ts: ts, source: "sim", values: sample.values,
                        collector: context.common.agentID)
                    outbox.submit(
                        asset: sample.asset, seq: reading.seq, topic: context.topics.telemetry(sample.asset),
                        payload: reading.encodedJSON())
                    context.counters.increment("readings")
                }
                if lastTruth.map({ $0.duration(to: now) >= context.settings.simulation.truthInterval }) ?? true {
                    lastTruth = now
                    for asset in site.assets { publishTruth(site, asset.id, ts: ts, context) }
                }
            case .command(let message):
                guard let request = scenario(from: message, context) else { continue }
                do {
                    try site.start(request.scenario, asset: request.asset, at: site.elapsed)
                } catch {
                    context.reject(message, reason: "scenario: \(error)")
                    continue
                }
                context.counters.increment("scenarios_started")
                context.log.notice(
                    "started scenario \(request.scenario.name) on \(request.asset) at \(Int(site.elapsed)) s simulated")
                _ = site.sample(elapsed: site.elapsed)
                publishTruth(site, request.asset, ts: started.adding(milliseconds: Int64(site.elapsed * 1000)), context)
            }
        }
    }

    func scenario(from message: MQTTMessage, _ context: AgentContext<Settings>) -> ScenarioRequest? {
        guard message.topic == context.topics.simulatorCommand else {
            context.reject(message, reason: "topic is not command/simulator")
            return nil
        }
        do throws(ConfigError) {
            let tree = try ConfigDocument.parseJSON(message.payload, maximumBytes: context.common.maximumPayloadBytes)
            return try ScenarioRequest(ConfigNode(tree), allowStart: false)
        } catch {
            context.reject(message, reason: error.description)
            return nil
        }
    }

    private func publishTruth(
        _ site: SimulatedSite, _ asset: TopicLevel, ts: Timestamp, _ context: AgentContext<Settings>
    ) {
        guard let truth = site.groundTruth(asset) else { return }
        context.enqueue(
            MQTTMessage(
                topic: context.topics.simulation(asset),
                payload: PayloadCodec.encode(GroundTruthMessage(truth, site: context.common.site, ts: ts)),
                qos: .atLeastOnce, retain: true))
    }
}
