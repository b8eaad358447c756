import Testing
import VigilDomain

@testable import VigilEvaluator

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct ResistanceBaselinesTests {
    func learned(_ value: Double = 4.0, jars: Int = 3) -> ResistanceBaselines {
        var baselines = ResistanceBaselines()
        for index in 0..<ResistanceBaselines.learnCount {
            // Noise around the value: the baseline is their median.
            let noise = Double(index % 5 - 2) * 0.01
            baselines.observe(asset: "s", resistances: Array(repeating: value + noise, count: jars))
        }
        return baselines
    }

    @Test func theBaselineIsTheMedianOfTheFirstReadings() {
        var baselines = ResistanceBaselines()
        for _ in 0..<(ResistanceBaselines.learnCount - 1) { baselines.observe(asset: "s", resistances: [4.0]) }
        #expect(baselines.rise(asset: "s", jar: 1, value: 5) == nil, "still learning")
        #expect(baselines.observe(asset: "s", resistances: [4.0]) == [1])
        #expect(abs(learned().rise(asset: "s", jar: 2, value: 5)! - 0.25) < 1e-12)
        #expect(ResistanceBaselines.median([3, 1, 2]) == 2 && ResistanceBaselines.median([4, 1, 2, 3]) == 2.5)
    }

    @Test func aReplacedJarIsLearnedAgainButADipIsNot() {
        var baselines = learned()
        for _ in 0..<4 { baselines.observe(asset: "s", resistances: [2.5, 4.0, 4.0]) }
        baselines.observe(asset: "s", resistances: [4.0, 4.0, 4.0])
        #expect(baselines.baseline(asset: "s", jar: 1) == 4.0, "four low readings are a dip")
        for _ in 0..<ResistanceBaselines.replacementCount { baselines.observe(asset: "s", resistances: [2.5, 4, 4]) }
        #expect(baselines.baseline(asset: "s", jar: 1) == nil, "a new jar is learned again")
        #expect(baselines.baseline(asset: "s", jar: 2) == 4.0)
        for _ in 0..<ResistanceBaselines.learnCount { baselines.observe(asset: "s", resistances: [2.5, 4, 4]) }
        #expect(baselines.baseline(asset: "s", jar: 1) == 2.5)
    }

    @Test func risesPastTenTwentyAndFiftyPercentAreFindings() throws {
        let baselines = learned()
        func findings(_ values: [Double]) -> [Finding] {
            baselines.findings(
                asset: "s",
                string: VRLAString(
                    stringVoltage: nil, current: nil, ambient: nil,
                    jars: values.map { .init(voltage: nil, temperature: nil, resistance: $0) }))
        }
        #expect(findings([4.36, 4.0, 3.9]).isEmpty)
        let watch = try #require(findings([4.44, 4.0, 3.9]).first)
        #expect(watch.severity == .info && watch.jar == 1 && watch.limit == 10)
        let warning = try #require(findings([4.0, 5.0, 4.0]).first)
        #expect(warning.code.rawValue == "jar_resistance_rise" && warning.severity == .warning && warning.jar == 2)
        #expect(warning.value == 25 && warning.limit == 20)
        #expect(findings([4.0, 4.0, 6.4]).first?.severity == .critical)
        #expect(
            ResistanceBaselines().findings(asset: "s", string: VRLAString(.init(jars: [["resistance_mohm": 9]])))
                .isEmpty)
    }

    @Test func onlyLearningChangesTheRevisionSoTheFileIsNotRewrittenForever() {
        var baselines = learned()
        let revision = baselines.revision
        for _ in 0..<100 { baselines.observe(asset: "s", resistances: [4.1, 3.9, 4.0]) }
        #expect(baselines.revision == revision)
        baselines.observe(asset: "t", resistances: [4.0])
        #expect(baselines.revision == revision + 1)
    }

    @Test func survivesAJSONRoundTrip() throws {
        let baselines = learned()
        let decoded = try JSONDecoder().decode(
            ResistanceBaselines.self, from: try JSONEncoder().encode(baselines))
        #expect(decoded == baselines)
    }

    @Test func theEvaluatorLearnsThenFlagsTheJarThatAged() throws {
        func reading(seq: UInt64, jar7: Double) throws -> Reading {
            var jars = (0..<24).map { _ in ["voltage_v": 13.5, "temperature_c": 25.5, "resistance_mohm": 4.0] }
            jars[6]["resistance_mohm"] = jar7
            return Reading(
                site: try TopicLevel("demo"), asset: try TopicLevel("ups1-str01"), kind: .vrlaString, seq: seq,
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000), source: "test",
                values: .init(
                    scalars: ["string_voltage_v": 324, "string_current_a": 0.1, "ambient_temperature_c": 25],
                    jars: jars))
        }
        var baselines = EvaluatorState()
        let evaluator = Evaluator()
        for seq in 0..<UInt64(ResistanceBaselines.learnCount) {
            guard
                case .evaluated(let evaluation) = evaluator.evaluate(
                    try reading(seq: seq, jar7: 4.0), state: &baselines)
            else {
                Issue.record("not evaluated")
                return
            }
            #expect(evaluation.findings.isEmpty)
        }
        guard case .evaluated(let aged) = evaluator.evaluate(try reading(seq: 99, jar7: 5.2), state: &baselines)
        else {
            Issue.record("not evaluated")
            return
        }
        let finding = try #require(aged.findings.first { $0.code.rawValue == "jar_resistance_rise" })
        #expect(finding.jar == 7 && finding.severity == .warning && finding.value == 30)
        #expect(aged.health.breakdown.contains { $0.metric == "jar_resistance_rise" && $0.score == 50 })
        // An impossible reading teaches a baseline nothing.
        var fresh = EvaluatorState()
        var impossible = try reading(seq: 100, jar7: 4.0)
        impossible.values.scalars["string_voltage_v"] = 250
        _ = evaluator.evaluate(impossible, state: &fresh)
        #expect(fresh == EvaluatorState())
        _ = evaluator.evaluate(try reading(seq: 101, jar7: 4.0), state: &fresh)
        #expect(fresh != EvaluatorState())
    }
}
