import Foundation
import VigilDomain
import VigilMQTT

/// Alarm latency at a steady 2,000 readings a second: the bench publishes pump readings at QoS 1
/// as the collector would (a hundred pumps, twenty readings a second each), and every 100 ms one
/// pump's vibration jumps past its critical limit for three readings. Timed at one subscriber, so
/// its own broker hop cancels: each reading's publish to its evaluation's arrival, and a fault's
/// first reading to its alarm's arrival on `alert/<asset>/vibration_high`.
///
/// Every twentieth reading is followed by a probe, a 200-byte QoS 1 message straight to the same
/// subscriber, as `mqbench` sends its own: the raw broker hop in the same seconds, under the same
/// load and the same hypervisor. The limits part measures it too, but minutes apart, and on this
/// machine a single hop's p99 moved from under 1 ms to over 4 ms within the hour.
///
/// The evaluator, alerter and recorder run as on a site; the collector does not (its Modbus or
/// simulator pacing is not what is measured), and the alarm rule has no on-delay or off-delay, so
/// every injected fault raises and clears again before its pump's next one.
enum LatencyBench {
    static let pumps = 100

    struct Outcome {
        /// Milliseconds, one per evaluation or alarm seen.
        var evaluation: [Double]
        var alert: [Double]
        /// The probes' one broker hop each.
        var probe: [Double]
        var faults: Int
    }

    /// Send times by reading, so the receiving task can look them up.
    final class Ledger: @unchecked Sendable {
        private let lock = NSLock()
        private var sent: [UInt64] = []
        private var faults: [Int: UInt64] = [:]
        private var probes: [UInt64] = []

        /// - Parameter faultStarts: the reading is the first of a fault; its pump's alarm is timed
        ///   from it. The fault's later readings go out after that alarm has arrived, so they must
        ///   not start the clock for the pump's next fault.
        func sent(_ index: Int, at time: UInt64, faultStarts: Bool) {
            lock.withLock {
                sent.append(time)
                precondition(sent.count == index + 1)
                if faultStarts { faults[index % LatencyBench.pumps] = time }
            }
        }

        func sentTime(pump: Int, seq: Int) -> UInt64? {
            lock.withLock {
                let index = (seq - 1) * LatencyBench.pumps + pump
                return index >= 0 && index < sent.count ? sent[index] : nil
            }
        }

        /// - Returns: the probe's number, which its payload carries.
        func sentProbe(at time: UInt64) -> Int {
            lock.withLock {
                probes.append(time)
                return probes.count - 1
            }
        }

        func probeTime(_ number: Int) -> UInt64? {
            lock.withLock { number >= 0 && number < probes.count ? probes[number] : nil }
        }

        /// The first faulty reading's time of the pump's current fault, once.
        func takeFault(pump: Int) -> UInt64? { lock.withLock { faults.removeValue(forKey: pump) } }
    }

    /// Monotonic nanoseconds, the clock the feed paces itself by.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// What the listener saw, filled on its network thread.
    final class Arrivals: @unchecked Sendable {
        private let lock = NSLock()
        private var evaluations: [Double] = []
        private var alerts: [Double] = []
        private var probes: [Double] = []

        func evaluation(_ milliseconds: Double) { lock.withLock { evaluations.append(milliseconds) } }
        func alert(_ milliseconds: Double) { lock.withLock { alerts.append(milliseconds) } }
        func probe(_ milliseconds: Double) { lock.withLock { probes.append(milliseconds) } }
        var seen: (evaluations: [Double], alerts: [Double], probes: [Double]) {
            lock.withLock { (evaluations, alerts, probes) }
        }
    }

    static func run(seconds: Double, warmUp: Double, agentDirectory: String, work: String, name: String) async throws
        -> Outcome
    {
        let site = try BenchSite(work: work, agentDirectory: agentDirectory, name: name)
        defer { site.stopAll() }
        let common = "site: bench\nstatus_interval_s: 1\n"
        try site.launch("recorder", config: common + "recorder: {}\n")
        try site.launch("evaluator", config: common + "evaluator: {}\n")
        try site.launch(
            "alerter",
            config: common + "alerter:\n  rules:\n    vibration_high: {off_delay_s: 0, ack_required: false}\n")
        try await site.waitOnline(["recorder", "evaluator", "alerter"], site: "bench")

        let ledger = Ledger()
        let arrivals = Arrivals()
        let probeTopic = "vigil/bench/probe"
        let measureFrom = UInt64(warmUp * 1e9) + now()
        // Timed on the listener's network thread, where libmosquitto hands each message over, as
        // `mqbench` times its reference hop: a hop to a task would add the bench's own scheduling.
        let listener = try await site.client("latency-listener") { message in
            let arrived = now()
            if message.topic == probeTopic {
                let digits = message.payload.prefix { $0 != UInt8(ascii: " ") }
                guard let number = Int(String(decoding: digits, as: UTF8.self)), let sent = ledger.probeTime(number),
                    sent >= measureFrom
                else { return }
                arrivals.probe(Double(arrived - sent) / 1e6)
                return
            }
            let levels = message.topic.split(separator: "/")
            guard levels.count >= 4, let pump = Int(levels[3].dropFirst(5)) else { return }
            if levels[2] == "evaluation" {
                guard let evaluation = try? PayloadCodec.decode(Evaluation.self, from: message.payload),
                    let sent = ledger.sentTime(pump: pump, seq: Int(evaluation.seq)), sent >= measureFrom
                else { return }
                arrivals.evaluation(Double(arrived - sent) / 1e6)
            } else if !message.payload.isEmpty,
                String(decoding: message.payload, as: UTF8.self).contains("\"active_unacked\""),
                let sent = ledger.takeFault(pump: pump)
            {
                arrivals.alert(Double(arrived - sent) / 1e6)
            }
        }
        try await listener.subscribe("vigil/bench/evaluation/+", qos: .atMostOnce)
        try await listener.subscribe("vigil/bench/alert/+/vibration_high", qos: .atMostOnce)
        try await listener.subscribe(probeTopic, qos: .atLeastOnce)
        let publisher = try await site.client("latency-publisher")
        let collector = try TopicLevel("bench-collector")
        let topics = Topics(site: try TopicLevel("bench"))
        let assets = try (0..<pumps).map { try TopicLevel("pump-" + String(format: "%03d", $0)) }
        let total = Int((warmUp + seconds) * 2000)

        // Paced on a thread of its own with an absolute sleep: a `Task.sleep` per reading costs the
        // bench a timer and two thread wake-ups, CPU the agents being measured then lack.
        try await withCheckedThrowingContinuation { (fed: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    let interval: UInt64 = 500_000
                    let start = now()
                    var faulty: [Int: Int] = [:]
                    for index in 0..<total {
                        let due = start + UInt64(index) * interval
                        if due > now() {
                            var until = timespec(tv_sec: Int(due / 1_000_000_000), tv_nsec: Int(due % 1_000_000_000))
                            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nil) == EINTR {}
                        }
                        let pump = index % pumps
                        // Every 100 ms after the warm-up, the next pump in turn starts a three-reading fault:
                        // 250 faults a run, so its p99 is not just the second-worst of a hundred, which
                        // moved by a factor of three between runs of unchanged code.
                        if index >= Int(warmUp * 2000), index % 200 == 0 { faulty[(index / 200) % pumps] = 3 }
                        let fault = (faulty[pump] ?? 0) > 0
                        let faultStarts = faulty[pump] == 3
                        if fault { faulty[pump]! -= 1 }
                        let reading = Reading(
                            site: try TopicLevel("bench"), asset: assets[pump], kind: .pump,
                            seq: UInt64(index / pumps + 1),
                            ts: .now(), source: "bench",
                            values: .init(scalars: [
                                "flow_lps": 41.2, "suction_pressure_kpa": 118.6, "discharge_pressure_kpa": 341.5,
                                "power_kw": 8.7, "speed_rpm": 1467, "motor_temperature_c": 48.1,
                                "vibration_mm_s": fault ? 9.0 : 1.9 + Double(index % 7) / 100,
                            ]),
                            collector: collector)
                        let payload = reading.encodedJSON()
                        ledger.sent(index, at: now(), faultStarts: faultStarts)
                        try publisher.enqueue(
                            MQTTMessage(topic: topics.telemetry(assets[pump]), payload: payload, qos: .atLeastOnce))
                        if index % 20 == 10 {
                            let number = ledger.sentProbe(at: now())
                            let text = String(number)
                            try publisher.enqueue(
                                MQTTMessage(
                                    topic: probeTopic,
                                    payload: Array((text + String(repeating: " ", count: 200 - text.count)).utf8),
                                    qos: .atLeastOnce))
                        }
                    }
                    fed.resume()
                } catch {
                    fed.resume(throwing: error)
                }
            }
        }
        // The last alarms of the run arrive within a second.
        try await Task.sleep(for: .seconds(1))
        await listener.disconnect()
        await publisher.disconnect()
        let seen = arrivals.seen
        return Outcome(
            evaluation: seen.evaluations, alert: seen.alerts, probe: seen.probes, faults: Int(seconds * 10))
    }

    /// The `fraction` percentile (0…1) of `values`, nearest rank.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }
}
