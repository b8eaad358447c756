import Testing
import VigilDomain

@testable import VigilEvaluator

@Suite struct AnomalyTests {
    static let policy = AnomalyPolicy()

    static func reading(_ kind: AssetKind, seq: UInt64, _ scalars: [String: Double], series: [String: [Double]] = [:])
        throws -> Reading
    {
        Reading(
            site: try TopicLevel("site"), asset: try TopicLevel("asset"), kind: kind, seq: seq,
            ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(seq) * 1000), source: "test",
            values: .init(scalars: scalars, series: series))
    }

    @Test func theBaselineIsTheMedianAndTheSpreadTheScaledMAD() {
        var baselines = MetricBaselines()
        // 29 readings of 10 ± 1 and one wild spike: the spike moves neither the median nor the MAD.
        var values = (0..<29).map { 10.0 + ($0 % 2 == 0 ? 1 : -1) }
        values.append(1000)
        for value in values {
            #expect(baselines.observe(asset: "a", key: "t", value: value, floor: 0.01, policy: Self.policy) == nil)
        }
        let deviation = baselines.observe(
            asset: "a", key: "t", value: 11 + 3 * 1.4826, floor: 0.01, policy: Self.policy)
        #expect(deviation?.expected == 11)
        // Deviations from 11: fifteen 0, fourteen 2 and 989; their median is 1, so the spread is 1.4826.
        #expect(deviation.map { abs($0.z - 3) < 1e-9 } == true)
    }

    @Test func aFlatQuantityUsesItsFloorNotAZeroSpread() {
        var baselines = MetricBaselines()
        for _ in 0..<Self.policy.learnCount {
            _ = baselines.observe(asset: "a", key: "k", value: 5, floor: 0.5, policy: Self.policy)
        }
        let deviation = baselines.observe(asset: "a", key: "k", value: 6, floor: 0.5, policy: Self.policy)
        #expect(deviation?.z == 2)
    }

    @Test func aStreakCountsOnlyConsecutiveReadingsOnOneSide() {
        var baselines = MetricBaselines()
        for index in 0..<Self.policy.learnCount {
            _ = baselines.observe(asset: "a", key: "k", value: Double(index % 3), floor: 0.1, policy: Self.policy)
        }
        func streak(_ value: Double) -> Int? {
            baselines.observe(asset: "a", key: "k", value: value, floor: 0.1, policy: Self.policy)?.streak
        }
        #expect(streak(50) == 1)
        #expect(streak(50) == 2)
        #expect(streak(-50) == 1)
        #expect(streak(1) == 0)
        #expect(streak(50) == 1)
    }

    @Test func aGenericAssetIsLearnedThenFlaggedOnlyAfterThePersistenceWindow() throws {
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var seq: UInt64 = 0
        func evaluate(_ temperature: Double) throws -> Evaluation {
            seq += 1
            guard
                case .evaluated(let evaluation) = evaluator.evaluate(
                    try Self.reading(.generic, seq: seq, ["temperature_c": temperature]), state: &state)
            else { throw Failure.rejected }
            return evaluation
        }
        for index in 0..<Self.policy.learnCount {
            let evaluation = try evaluate(20 + Double(index % 5) * 0.1)
            #expect(evaluation.residuals == nil && evaluation.severity == .normal)
        }
        // One spike: noted in the residuals, not reported.
        let spike = try evaluate(30)
        #expect(spike.findings.isEmpty && spike.residuals?.first?.metric == "temperature_c")
        #expect(try evaluate(20.2).findings.isEmpty)
        // A sustained rise: the fifth reading in a row is the first reported.
        for _ in 1..<Self.policy.persistence { #expect(try evaluate(20.8).findings.isEmpty) }
        let watched = try evaluate(20.8)
        let finding = try #require(watched.findings.first)
        #expect(finding.code.rawValue == "temperature_anomaly" && finding.severity == .info)
        #expect(watched.severity == .watch && watched.health.score == 75)
        // Far beyond: a warning.
        for _ in 1..<Self.policy.persistence { _ = try evaluate(40) }
        let far = try evaluate(40)
        #expect(far.findings.first?.severity == .warning && far.severity == .warning)
        #expect(far.health.primaryConcern == "temperature_c")
    }

    @Test func aChillerApproachIsJudgedInKelvinOverItsBaselineAtTheSameLoad() throws {
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var seq: UInt64 = 0
        /// 50 L/s at ΔT 5 K is 1,047.5 kW of cooling; `load` scales ΔT and so the load bin.
        func chiller(approach: Double, load: Double = 1) throws -> Evaluation {
            seq += 1
            let deltaT = 5 * load
            let values: [String: Double] = [
                "chw_supply_c": 7, "chw_return_c": 7 + deltaT, "flow_lps": 50, "cdw_in_c": 29, "cdw_out_c": 34,
                "refrigerant_sat_c": 34 + approach, "power_kw": 180 * load, "vibration_mm_s": 1.8,
            ]
            guard
                case .evaluated(let evaluation) = evaluator.evaluate(
                    try Self.reading(.chiller, seq: seq, values), state: &state)
            else { throw Failure.rejected }
            return evaluation
        }
        for index in 0..<Self.policy.learnCount {
            _ = try chiller(approach: 1.2 + Double(index % 3) * 0.05)
            _ = try chiller(approach: 0.7 + Double(index % 3) * 0.05, load: 0.6)
        }
        // 2.5 K over the full-load baseline, held: a warning naming the approach.
        var evaluation = try chiller(approach: 3.75)
        for _ in 1..<Self.policy.persistence { evaluation = try chiller(approach: 3.75) }
        let rise = try #require(evaluation.findings.first { $0.code.rawValue == "approach_rise" })
        #expect(rise.severity == .warning && abs(rise.value - 2.5) < 0.01)
        #expect(evaluation.residuals?.contains { $0.metric == "condenser_approach_c" && $0.expected == 1.25 } == true)
        // Weights: the approach carries 25 of the default 100.
        let approach = try #require(evaluation.health.breakdown.first { $0.metric == "condenser_approach_c" })
        #expect(approach.weight == 25 && approach.score == 50)
        // The same approach at 60 % load is 3 K over that load's own baseline: critical.
        for _ in 1..<Self.policy.persistence { _ = try chiller(approach: 3.75, load: 0.6) }
        let partLoad = try chiller(approach: 3.75, load: 0.6)
        #expect(partLoad.findings.first { $0.code.rawValue == "approach_rise" }?.severity == .critical)
    }

    /// A pump past its vibration limit raises `vibration_high`, not a second alarm for the same
    /// symptom; below the limit the anomaly is what shows it.
    @Test func anAnomalyOnAMetricAlreadyPastItsLimitIsNotRepeated() throws {
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var seq: UInt64 = 0
        func pump(_ vibration: Double) throws -> Evaluation {
            seq += 1
            let values = ["flow_lps": 40.0, "speed_rpm": 1480, "vibration_mm_s": vibration, "motor_temperature_c": 50]
            guard
                case .evaluated(let evaluation) = evaluator.evaluate(
                    try Self.reading(.pump, seq: seq, values), state: &state)
            else { throw Failure.rejected }
            return evaluation
        }
        for index in 0..<Self.policy.learnCount { _ = try pump(1.8 + Double(index % 3) * 0.05) }
        var below = try pump(2.6)
        for _ in 1..<Self.policy.persistence { below = try pump(2.6) }
        #expect(below.findings.map(\.code.rawValue) == ["vibration_anomaly"])
        var above = try pump(3.6)
        for _ in 1..<Self.policy.persistence { above = try pump(3.6) }
        #expect(above.findings.map(\.code.rawValue) == ["vibration_high"])
        #expect(above.health.breakdown.filter { $0.metric == "vibration_mm_s" }.count == 1)
    }

    @Test func configuredWeightsReplaceTheDefaultsAndMergedMetricsCountOnce() {
        let health = Evaluator.health(
            [
                .init(metric: "vibration_mm_s", score: 100, weight: 1, contribution: 0),
                .init(metric: "vibration_mm_s", score: 50, weight: 1, contribution: 0),
                .init(metric: "kw_per_ton", score: 100, weight: 1, contribution: 0),
            ],
            weights: ["vibration_mm_s": 3])
        #expect(health.breakdown.count == 2)
        #expect(health.score == 62.5 && health.primaryConcern == "vibration_mm_s")
        let unweighted = Evaluator.health(
            [
                .init(metric: "power_kw", score: 0, weight: 0, contribution: 0),
                .init(metric: "kw_per_ton", score: 100, weight: 1, contribution: 0),
            ])
        #expect(unweighted.score == 100 && unweighted.primaryConcern == nil)
    }

    /// Float current three times the string's own steady value, held: thermal runaway, unless
    /// the string is recharging after a discharge.
    @Test func aFloatCurrentThreeTimesItsOwnSteadyValueIsThermalRunaway() throws {
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var second: Int64 = 0
        func string(_ current: Double, volts: Double = 13.5, advance: Int64 = 60) throws -> Evaluation {
            second += advance
            let jars = (0..<24).map { _ in ["voltage_v": volts, "temperature_c": 25.0, "resistance_mohm": 4.0] }
            let reading = Reading(
                site: try TopicLevel("site"), asset: try TopicLevel("str"), kind: .vrlaString, seq: UInt64(second),
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + second * 1000), source: "test",
                values: .init(
                    scalars: [
                        "string_voltage_v": volts * 24 - current * 0.002, "string_current_a": current,
                        "ambient_temperature_c": 25,
                    ], jars: jars))
            guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else {
                throw Failure.rejected
            }
            return evaluation
        }
        for index in 0..<Self.policy.learnCount { _ = try string(-0.12 - Double(index % 3) * 0.005) }
        var evaluation = try string(-0.5)
        #expect(!evaluation.findings.contains { $0.code.rawValue == "thermal_runaway" }, "one sample alarmed")
        for _ in 1..<Self.policy.persistence { evaluation = try string(-0.5) }
        let runaway = try #require(evaluation.findings.first { $0.code.rawValue == "thermal_runaway" })
        #expect(runaway.metric == "string_current_a" && runaway.severity == .critical)
        #expect(abs(runaway.value - 0.5 / 0.125) < 0.01)
        #expect(evaluation.residuals?.contains { $0.metric == "float_current_a" && $0.expected == 0.125 } == true)
        // A discharge, then the charger's taper back at float: not runaway for the next 12 hours.
        for _ in 0..<10 { _ = try string(30, volts: 12.4, advance: 30) }
        let taper = try string(-1.5, advance: 3600)
        #expect(!taper.findings.contains { $0.code.rawValue == "thermal_runaway" })
        for _ in 0..<10 { evaluation = try string(-1.5, advance: 600) }
        #expect(!evaluation.findings.contains { $0.code.rawValue == "thermal_runaway" })
    }

    enum Failure: Error { case rejected }
}
