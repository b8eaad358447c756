import Foundation
import Testing

@testable import VigilDomain

@Suite struct EvaluationFindingsTests {
    static func evaluation(message: String = "jar 7 resistance 5.1 mΩ is 27.5 % above its baseline") throws
        -> Evaluation
    {
        var evaluation = Evaluation(
            site: try TopicLevel("bkk-dc1"), asset: try TopicLevel("ups1-str01"), kind: .vrlaString, seq: 81_234,
            ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_125),
            health: .init(
                score: 80, primaryConcern: "jar_resistance_rise",
                breakdown: [.init(metric: "jar_resistance_rise", score: 50, weight: 2, contribution: 10)]),
            findings: [
                Finding(
                    code: try TopicLevel("jar_resistance_rise"), severity: .warning, metric: "jar07.resistance_mohm",
                    jar: 7, value: 27.5, limit: 20, message: message, recommendation: "plan a capacity test"),
                Finding(
                    code: try TopicLevel("float_voltage_low"), severity: .info, metric: "string_voltage_v",
                    value: -1.5e-3, limit: 0, message: "float low", recommendation: "check the charger"),
            ],
            derived: ["float_target_v": 324, "discharge_s": 12.5],
            residuals: [.init(metric: "condenser_approach_c", expected: 2.1, actual: 2.4, z: 3)])
        evaluation.soh = 0.93
        evaluation.rul = Evaluation.RemainingLife(
            p10: 90, p50: 140, p90: 210, unit: "days", model: "vrla-arrhenius", inputs: "trend", risk: 0.1, horizon: 30)
        return evaluation
    }

    @Test func anEvaluationAsTheEvaluatorWritesItTakesTheFastPathAndLosesNothingTheAlerterReads() throws {
        let evaluation = try Self.evaluation()
        let bytes = PayloadCodec.encode(evaluation)
        let fast = try #require(EvaluationFindings.fastDecoded(bytes))
        #expect(fast == EvaluationFindings(evaluation))
        #expect(fast.findings[0].jar == 7 && fast.findings[1].jar == nil)
        #expect(fast.derived?["discharge_s"] == 12.5)
    }

    @Test func whatTheFastPathDoesNotReadPlainlyGoesThroughJSONDecoder() throws {
        // Units are written as they are, within the fast path's reach; another producer's escapes
        // are left to the full decoder.
        let evaluation = try Self.evaluation(message: "kW/ton 0.71 above 0.65")
        let bytes = PayloadCodec.encode(evaluation)
        #expect(EvaluationFindings.fastDecoded(bytes) != nil)
        let escaped = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "/", with: "\\/").utf8)
        #expect(EvaluationFindings.fastDecoded(escaped) == nil)
        #expect(try EvaluationFindings.decode(escaped).findings[0].message == "kW/ton 0.71 above 0.65")
    }

    @Test(arguments: [
        (#"{"v":1,"site":"s","asset":"a","kind":"vrla_string","seq":"x"}"#, "seq"),
        (#"{"v":1,"site":"s","asset":"a b","kind":"vrla_string","seq":1}"#, "asset"),
        (
            #"{"v":1,"site":"s","asset":"a","kind":"vrla_string","seq":1,"ts":"2026-11-29T04:00:00.000Z","health":{"score":1,"breakdown":[]},"severity":"normal"}"#,
            "findings"
        ),
        (
            #"{"v":1,"site":"s","asset":"a","kind":"vrla_string","seq":1,"ts":"2026-11-29T04:00:00.000Z","health":{"score":1,"breakdown":[]},"severity":"normal","findings":[{"code":"x","severity":"bad"}]}"#,
            "findings[0]"
        ),
        (#"{"v":1,"site":"s""#, "payload"),
    ])
    func aBadEvaluationIsRefusedNamingTheField(_ json: String, _ field: String) {
        do {
            _ = try EvaluationFindings.decode(Array(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.field.hasPrefix(field), "\(error)")
        }
    }

    @Test func anOversizePayloadIsRefusedBeforeParsing() throws {
        let bytes = PayloadCodec.encode(try Self.evaluation())
        #expect(throws: PayloadError(field: "payload", reason: "is \(bytes.count) bytes, over the 100-byte limit")) {
            try EvaluationFindings.decode(bytes, maximumBytes: 100)
        }
    }
}
