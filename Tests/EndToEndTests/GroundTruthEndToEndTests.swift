import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// The built collector simulates ten months of a site in about a minute (one simulated hour every
/// 10 ms) with a failing jar, a fouling chiller and a pump whose bearing wears; the built evaluator
/// judges it over the broker. Each fault must be flagged with its reason code before the failure
/// time the simulator publishes as ground truth, and the healthy string and pump must raise nothing.
@Suite(.broker, .serialized)
struct GroundTruthEndToEndTests {
    static let day = 86_400.0

    @Test(.timeLimit(.minutes(4)))
    func faultsAreFlaggedBeforeTheyFailOverTheBroker() async throws {
        let site = "e2e-truth"
        let harness = SiteHarness(site: site, port: Broker.current!.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        // An evaluation a real second (a hundred simulated hours), so remaining-life estimates are
        // seen; the chiller's full-load condenser water rise from its datasheet (1,460 kW into 60 kg/s).
        let evaluator = try harness.start(
            "evaluator", config: "evaluator:\n  heartbeat_s: 1\n  rul: {chiller_design_rise_k: 5.81}\n")
        defer { evaluator.stop() }
        #expect(await messages.first(within: .seconds(10)) { harness.isStatus($0, "evaluator", .online) } != nil)
        let faultStart = Int(30 * Self.day)
        let collector = try harness.start(
            "collector",
            config: """
                collector:
                  source: simulator
                  interval_ms: 10
                  simulator:
                    site: realistic
                    seed: 7
                    speed: 360000
                    truth_interval_s: 1
                    strings:
                      ups1-str01: {profile: healthy, jar_profiles: {"7": failing}}
                      ups1-str02: {profile: healthy}
                    scenarios:
                      - {asset: chiller-1, scenario: condenser_fouling, days: 90, start_s: \(faultStart)}
                      - {asset: pump-1, scenario: bearing_wear, days: 60, start_s: \(faultStart)}

                """)
        defer { collector.stop() }

        let expected = ["ups1-str01": "jar_resistance_rise", "chiller-1": "approach_rise", "pump-1": "vibration_high"]
        let prefix = "vigil/\(site)/"
        // Scanned as messages arrive: thousands of evaluations, each decoded once.
        var origin: Int64?
        var first: [String: [String: Int64]] = [:]
        var failure: [String: Double] = [:]
        var lives: [String: [(ts: Int64, p10: Double, p90: Double)]] = [:]
        /// Every truth published: simulated seconds and the time to failure then.
        var truths: [String: [(elapsed: Double, remaining: Double)]] = [:]
        var scanned = 0
        func scan(_ all: [MQTTMessage]) {
            for message in all.dropFirst(scanned) {
                if message.topic.hasPrefix(prefix + "simulation/"),
                    let truth = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
                    let asset = truth["asset"] as? String, let elapsed = truth["elapsed_s"] as? Double
                {
                    // The simulated clock's origin, so an evaluation's `ts` gives its simulated time.
                    if origin == nil, let ts = (truth["ts"] as? String).flatMap(Timestamp.init(rfc3339:)) {
                        origin = ts.millisecondsSinceEpoch - Int64(elapsed * 1000)
                    }
                    if let remaining = truth["time_to_failure_s"] as? Double {
                        truths[asset, default: []].append((elapsed, remaining))
                    }
                    // Each sick asset's failure time: the earliest truth that names one.
                    if failure[asset] == nil, let remaining = truth["time_to_failure_s"] as? Double,
                        remaining < 365 * Self.day
                    {
                        failure[asset] = elapsed + remaining
                    }
                }
                guard message.topic.hasPrefix(prefix + "evaluation/"),
                    let evaluation = try? PayloadCodec.decode(Evaluation.self, from: message.payload)
                else { continue }
                if let life = evaluation.rul, life.unit == "days" {
                    lives[evaluation.asset.rawValue, default: []].append(
                        (evaluation.ts.millisecondsSinceEpoch, life.p10, life.p90))
                }
                for finding in evaluation.findings where finding.severity >= .warning {
                    let asset = evaluation.asset.rawValue
                    if first[asset]?[finding.code.rawValue] == nil {
                        first[asset, default: [:]][finding.code.rawValue] = evaluation.ts.millisecondsSinceEpoch
                    }
                }
            }
            scanned = all.count
        }
        await messages.wait(for: .seconds(200)) { all in
            scan(all)
            return expected.allSatisfy { first[$0.key]?[$0.value] != nil }
        }
        let start = try #require(origin, "no ground truth published:\n\(collector.log)")
        for (asset, code) in expected.sorted(by: { $0.key < $1.key }) {
            let at = try #require(
                first[asset]?[code], "\(asset) never flagged \(code); flagged \(first[asset] ?? [:])\n\(evaluator.log)")
            let flaggedAt = Double(at - start) / 1000
            let fails = try #require(failure[asset], "no failure time published for \(asset)")
            print(
                "ground truth e2e: \(asset) \(code) on day \(Int(flaggedAt / Self.day)), "
                    + "\(Int((fails - flaggedAt) / Self.day)) days before failure")
            #expect(flaggedAt < fails, "\(asset) flagged \(code) after its failure")
        }
        // Remaining life against the truth of the moment (it moves with the seasons' temperatures),
        // before each failure: how often inside P10–P90.
        for asset in ["ups1-str01", "chiller-1"] {
            let series = truths[asset] ?? []
            var before: [(truth: Double, p10: Double, p90: Double)] = []
            for entry in lives[asset] ?? [] {
                let at = Double(entry.ts - start) / 1000
                // The latest truth at or before the evaluation, aged to it.
                guard let truth = series.last(where: { $0.elapsed <= at }), truth.remaining < 365 * Self.day else {
                    continue
                }
                let remaining = (truth.remaining - (at - truth.elapsed)) / Self.day
                if remaining > 0 { before.append((remaining, entry.p10, entry.p90)) }
            }
            let inside = before.filter { $0.truth >= $0.p10 && $0.truth <= $0.p90 }.count
            print("ground truth e2e: \(asset) RUL inside P10–P90 in \(inside) of \(before.count) evaluations")
            #expect(before.count >= 5, "\(asset): too few remaining-life estimates before its failure")
            #expect(Double(inside) >= 0.5 * Double(before.count), "\(asset)")
        }
        for healthy in ["ups1-str02", "pump-2"] {
            #expect(first[healthy] == nil, "false alarms on \(healthy): \(first[healthy] ?? [:])")
        }
        // The sick machines were quiet before their faults began.
        for machine in ["chiller-1", "pump-1"] {
            let early = (first[machine] ?? [:]).filter { Double($0.value - start) / 1000 < Double(faultStart) }
            #expect(early.isEmpty, "\(machine) alarmed before its fault: \(early)")
        }
    }
}
