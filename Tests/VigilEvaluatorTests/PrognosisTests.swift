import Foundation
import Testing
import VigilDomain
import VigilPrognostics
import VigilRuntime
import VigilYAML

@testable import VigilEvaluator

/// A learned model in the evaluator: C-MAPSS engines replayed as `turbofan` readings get RUL with
/// an interval, the model's version, and a risk that grows as the engine nears failure.
@Suite struct PrognosisTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "shared/datasets/cmapss/train_FD001.txt"
        ).path

    @Test func aReplayedEngineGetsItsRemainingLifeWithAnIntervalAndARisk() throws {
        let set = try RunToFailureSet(text: String(contentsOfFile: Self.path, encoding: .utf8))
        var options = RULModel.TrainingOptions()
        options.trees.iterations = 120
        options.trees.learningRate = 0.15
        let model = try RULModel.train(RunToFailureSet(units: Array(set.units.dropFirst(10))), options: options)
        var evaluator = Evaluator()
        evaluator.rul.model = model
        var state = EvaluatorState()
        // Engine 1 was not trained on: 192 cycles to failure.
        let engine = set.units[0]
        var lives: [(cycle: Int, life: Evaluation.RemainingLife)] = []
        for (index, sensors) in engine.sensors.enumerated() {
            var scalars = ["cycle": Double(index + 1)]
            for (number, value) in sensors.enumerated() { scalars[WindowFeatures.cmapssColumns[number]] = value }
            let reading = Reading(
                site: try TopicLevel("site"), asset: try TopicLevel("engine-001"), kind: try AssetKind("turbofan"),
                seq: UInt64(index + 1), ts: Timestamp(millisecondsSinceEpoch: Int64(index) * 3_600_000),
                source: "replay", values: .init(scalars: scalars))
            guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else {
                Issue.record("cycle \(index + 1) refused")
                return
            }
            let life = try #require(evaluation.rul, "no RUL at cycle \(index + 1)")
            lives.append((index + 1, life))
        }
        for (_, life) in lives {
            #expect(life.p10 <= life.p50 && life.p50 <= life.p90 && life.unit == "cycles")
            #expect(life.model == model.version && life.horizon == 30)
        }
        // Late in life the prediction is close to the truth and the risk is high; early, it is low.
        let late = lives[191 - 20].life
        #expect(abs(late.p50 - 20) < 15, "predicted \(late.p50) cycles with 20 left")
        #expect(late.risk > 0.5 && lives[60].life.risk < 0.1, "risk late \(late.risk), early \(lives[60].life.risk)")
        // Readings without every sensor, or of another kind, get none.
        var plain = EvaluatorState()
        let partial = Reading(
            site: try TopicLevel("site"), asset: try TopicLevel("engine-002"), kind: try AssetKind("turbofan"), seq: 1,
            ts: Timestamp(millisecondsSinceEpoch: 0), source: "replay", values: .init(scalars: ["sensor_02": 642]))
        guard case .evaluated(let none) = evaluator.evaluate(partial, state: &plain) else { return }
        #expect(none.rul == nil)
    }

    @Test func riskReadsTheIntervalAsADistribution() {
        let prediction = RULModel.Prediction(p10: 20, p50: 40, p90: 60)
        #expect(RULModel.risk(prediction, within: 40) == 0.5)
        #expect(RULModel.risk(prediction, within: 20) == 0.1)
        #expect(abs(RULModel.risk(prediction, within: 30) - 0.3) < 1e-12)
        #expect(RULModel.risk(prediction, within: 1) == 0 && RULModel.risk(prediction, within: 100) == 1)
    }

    @Test func aMissingOrForeignModelFileIsRefusedWithItsKey() throws {
        let directory = NSTemporaryDirectory() + "vigil-rul-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "{\"format\":\"other/9\"}".write(toFile: "\(directory)/foreign.json", atomically: true, encoding: .utf8)
        for path in ["\(directory)/absent.json", "\(directory)/foreign.json"] {
            #expect {
                _ = try EvaluatorAgent.settings(
                    from: ConfigNode(try YAML.parse("rul:\n  model: \(path)\n"), path: "evaluator"))
            } throws: { error in
                (error as? ConfigError)?.key == "evaluator.rul.model"
            }
        }
    }
}
