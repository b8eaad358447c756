import Foundation
import Testing

@testable import VigilPrognostics

/// Known answers for the pieces of the RUL model; `RULBenchmarkTests` runs the whole command.
@Suite struct CMAPSSTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "shared/datasets/cmapss/train_FD001.txt"
        ).path

    @Test func readsFD001AsNASADescribesIt() throws {
        let set = try RunToFailureSet(text: String(contentsOfFile: Self.path, encoding: .utf8))
        #expect(set.units.count == 100)
        #expect(set.units.reduce(0) { $0 + $1.cycles } == 20_631)
        #expect(set.units[0].id == 1 && set.units[0].cycles == 192)
        #expect(set.units[0].sensors[0][1] == 641.82)
    }

    @Test func refusesMalformedRowsWithTheLine() {
        let row = (0..<21).map { _ in "1.0" }.joined(separator: " ")
        let cases = [
            ("1 1 0 0 100 1.0\n", "line 1: expected 26 numbers"),
            ("1 1 0 0 100 \(row)\n1 3 0 0 100 \(row)\n", "line 2: unit 1 jumps to cycle 3"),
            ("1 1 0 0 x \(row)\n", "line 1, column 5"),
            ("1 1 0 0 100 \(row.replacingOccurrences(of: "1.0 1.0", with: "1.0 nan"))\n", "is not a number"),
            ("", "no rows"),
        ]
        for (text, reason) in cases {
            #expect {
                _ = try RunToFailureSet(text: text)
            } throws: { error in
                (error as? PrognosticsError)?.description.contains(reason) == true
            }
        }
    }

    @Test func windowFeaturesAreLastMeanStdAndSlope() {
        let features = WindowFeatures(sensors: [2], window: 4)
        // Sensor 2 rises by 2 a cycle: 10, 12, 14, 16, 18; the window sees the last four.
        let history = (0..<5).map { cycle -> [Double] in
            var row = [Double](repeating: 0, count: 21)
            row[1] = 10 + 2 * Double(cycle)
            return row
        }
        let values = features.features(history[...])
        #expect(values.count == 5 && features.names.count == 5)
        #expect(values[0] == 18 && values[1] == 15)
        #expect(abs(values[2] - 5.0.squareRoot()) < 1e-12)
        #expect(abs(values[3] - 2) < 1e-12)
        #expect(values[4] == 5)
        // One cycle of history: no spread, no slope.
        #expect(features.features(history[..<1]) == [10, 10, 0, 0, 1])
    }

    @Test func boostedTreesLearnAStepAndALine() {
        let rows = (0..<400).map { [Double($0) / 4] }
        let step = BoostedTrees.fit(rows: rows, targets: rows.map { $0[0] < 50 ? 0 : 10 })
        #expect(abs(step.predict([20])) < 0.1 && abs(step.predict([80]) - 10) < 0.1)
        let line = BoostedTrees.fit(rows: rows, targets: rows.map { 3 * $0[0] })
        for x in stride(from: 10.0, through: 90, by: 10) { #expect(abs(line.predict([x]) - 3 * x) < 3) }
    }

    @Test func phm08ScorePunishesLatePredictionsHarder() {
        func prediction(_ p50: Double) -> RULModel.Prediction { .init(p10: p50 - 5, p50: p50, p90: p50 + 5) }
        let early = RULScore(predictions: [prediction(37)], truth: [50])
        let late = RULScore(predictions: [prediction(63)], truth: [50])
        #expect(abs(early.score - (exp(1.0) - 1)) < 1e-9)
        #expect(abs(late.score - (exp(1.3) - 1)) < 1e-9)
        #expect(early.rmse == 13 && late.rmse == 13 && early.coverage == 0)
        // True lives above the cap count as the cap, like the training labels.
        let capped = RULScore(predictions: [prediction(125)], truth: [180])
        #expect(capped.rmse == 0 && capped.coverage == 1)
    }

    @Test func intervalsWidenWithNoise() {
        var random = Shuffle(seed: 3)
        func residuals(_ noise: Double) -> [(predicted: Double, residual: Double)] {
            (0..<600).map { index in
                let uniform = Double(random.next(upTo: 1_000_001)) / 1_000_000 - 0.5
                return (Double(index % 125), noise * uniform)
            }
        }
        let quiet = RULModel.bands(residuals(10), cap: RULModel.cap)
        let noisy = RULModel.bands(residuals(40), cap: RULModel.cap)
        #expect(quiet.count == noisy.count && quiet.count > 1)
        for (a, b) in zip(quiet, noisy) { #expect(b.p90 - b.p10 > 2 * (a.p90 - a.p10)) }
        // Uniform ±5: P10 and P90 near −4 and +4.
        #expect(quiet.allSatisfy { abs($0.p10 + 4) < 1 && abs($0.p90 - 4) < 1 })
    }
}
