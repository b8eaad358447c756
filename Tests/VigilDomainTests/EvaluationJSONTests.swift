import Foundation
import Testing

@testable import VigilDomain

/// The evaluator's own JSON writer must write what `JSONEncoder` with `PayloadCodec`'s settings
/// writes, byte for byte: consumers diff retained evaluations, and golden files hold them.
@Suite struct EvaluationJSONTests {
    func standard(_ evaluation: Evaluation) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(evaluation))
    }

    func full() throws -> Evaluation {
        var evaluation = Evaluation(
            site: try TopicLevel("bkk-dc1"), asset: try TopicLevel("ups1-str01"), kind: .vrlaString, seq: 81_234,
            ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_125),
            health: .init(
                score: 61.75, primaryConcern: "jar_resistance_mohm",
                breakdown: [
                    .init(metric: "jar_resistance_mohm", score: 30, weight: 2, contribution: 20.000000000000004),
                    .init(metric: "temperature_c", score: 100, weight: 1, contribution: 1e-7),
                ]),
            findings: [
                Finding(
                    code: try TopicLevel("jar_resistance_high"), severity: .critical, metric: "resistance_mohm",
                    jar: 7, value: 5.125, limit: 4.5,
                    message: "jar 7 resistance 5.125 mΩ is \"high\" \\ above 4.5\nline two\ttabbed",
                    recommendation: "replace jar 7; see kW/ton and https://example.org/a/b"),
                Finding(
                    code: try TopicLevel("float_voltage_low"), severity: .warning, metric: "string_voltage_v",
                    value: -0.5, limit: 1e300, message: "ünïcode ✓ 🔋", recommendation: ""),
            ],
            derived: ["float_target_v": 327.36, "worst_jar_deviation_v": -0.125, "count": 24],
            residuals: [.init(metric: "condenser_approach_c", expected: 2.5, actual: 4.75, z: 3.1415926535)])
        evaluation.soh = 0.8125
        evaluation.rul = .init(
            p10: 120, p50: 240.5, p90: 400, unit: "days", model: "vrla-arrhenius/1", inputs: "resistance trend",
            risk: 0.05, horizon: 90)
        evaluation.forecasts = [.init(metric: "approach", limit: 5, p10: 14, p50: 19, p90: 27.25)]
        return evaluation
    }

    @Test func aFullEvaluationIsWrittenAsJSONEncoderWritesIt() throws {
        let evaluation = try full()
        let fast = try #require(evaluation.encodedJSON())
        #expect(String(decoding: fast, as: UTF8.self) == String(decoding: try standard(evaluation), as: UTF8.self))
        #expect(try PayloadCodec.decode(Evaluation.self, from: fast) == evaluation)
    }

    @Test func absentPartsAreLeftOutAsJSONEncoderLeavesThemOut() throws {
        let evaluation = Evaluation(
            site: try TopicLevel("s"), asset: try TopicLevel("pump-1"), kind: .pump, seq: 0,
            ts: Timestamp(millisecondsSinceEpoch: 0), health: .init(score: 100, primaryConcern: nil, breakdown: []),
            findings: [])
        let fast = try #require(evaluation.encodedJSON())
        #expect(String(decoding: fast, as: UTF8.self) == String(decoding: try standard(evaluation), as: UTF8.self))
        #expect(try PayloadCodec.decode(Evaluation.self, from: fast) == evaluation)
    }

    @Test func aNumberJSONCannotCarryIsNotWritten() throws {
        var evaluation = try full()
        evaluation.residuals![0].z = .nan
        #expect(evaluation.encodedJSON() == nil)
        evaluation.residuals = nil
        evaluation.soh = .infinity
        #expect(evaluation.encodedJSON() == nil)
    }
}
