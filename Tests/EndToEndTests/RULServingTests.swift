import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// Train, then serve: `vigil-evaluator train` writes a model, the evaluator agent loads it from
/// `evaluator.rul.model`, and engines the model never saw, replayed by the collector, get their
/// remaining life in every evaluation, stamped with that model's version.
@Suite(.broker, .serialized)
struct RULServingTests {
    @Test(.timeLimit(.minutes(3)))
    func aTrainedModelServesReplayedEnginesOverTheBroker() async throws {
        let site = "e2e-rul"
        let harness = SiteHarness(site: site, port: Broker.current!.port)
        let truth = try RULBenchmarkTests.split(into: harness.directory, heldOut: 25, seed: 77)
        let model = "\(harness.directory)/fd001.json"
        let (status, output) = try RULBenchmarkTests.run([
            "train", "--cmapss", "\(harness.directory)/train.txt", "--output", model,
        ])
        #expect(status == 0, "\(output)")
        // "model <version> written to <path>"
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("model ") }, "\(output)")
        let version = try #require(
            line.dropFirst("model ".count).components(separatedBy: " written to ").first, "\(output)")

        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let evaluator = try harness.start(
            "evaluator", config: "evaluator:\n  heartbeat_s: 0\n  rul: {model: \(model), horizon: 30}\n")
        defer { evaluator.stop() }
        #expect(
            await messages.first(within: .seconds(10)) { harness.isStatus($0, "evaluator", .online) } != nil,
            "\(evaluator.log)")
        let collector = try harness.start(
            "collector",
            config: """
                collector:
                  source: replay
                  replay: {format: cmapss, path: \(harness.directory)/test.txt, rate: max, start: "2026-01-01T00:00:00Z"}
                """)
        defer { collector.stop() }

        // The last evaluation of each engine, once every engine's last cycle is in.
        var last: [String: Evaluation] = [:]
        var scanned = 0
        let cycles = try String(contentsOfFile: "\(harness.directory)/test.txt", encoding: .utf8)
            .split(separator: "\n").reduce(into: [String: Int]()) { counts, line in
                let unit = Int(line.split(separator: " ")[0])!
                counts[String(format: "engine-%03d", unit), default: 0] += 1
            }
        await messages.wait(for: .seconds(90)) { all in
            for message in all.dropFirst(scanned) where message.topic.hasPrefix("vigil/\(site)/evaluation/") {
                if let evaluation = try? PayloadCodec.decode(Evaluation.self, from: message.payload) {
                    last[evaluation.asset.rawValue] = evaluation
                }
            }
            scanned = all.count
            return cycles.allSatisfy { asset, count in last[asset]?.seq == UInt64(count) }
        }
        #expect(last.count == 25, "evaluations for \(last.count) engines:\n\(evaluator.log)")
        var squares = 0.0
        for (index, actual) in truth.enumerated() {
            let asset = String(format: "engine-%03d", index + 1)
            let life = try #require(last[asset]?.rul, "no rul for \(asset)")
            #expect(life.unit == "cycles" && life.model == version, "\(life.model) against \(version)")
            #expect(life.p10 <= life.p50 && life.p50 <= life.p90 && (0...1).contains(life.risk))
            squares += (life.p50 - min(actual, 125)) * (life.p50 - min(actual, 125))
        }
        let rmse = (squares / Double(truth.count)).squareRoot()
        print("rul served over the broker: rmse \(rmse) on 25 unseen engines")
        #expect(rmse <= 16, "served predictions are far from the truth")
    }
}
