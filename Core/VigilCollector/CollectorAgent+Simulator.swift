import VigilDomain
import VigilMQTT
import VigilRuntime
import VigilSimulator

extension CollectorAgent {
    func runSimulator(_ context: AgentContext<Settings>, _ sequences: inout SequenceAllocator) async throws {
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
