import Foundation
import Testing
import VigilDomain
import VigilRuntime
import VigilSimulator
import VigilYAML

@testable import VigilEvaluator

@Suite struct MetricLimitTests {
    let limit = MetricLimit(warnLow: 13.0, warnHigh: 14.1, critLow: 12.6, critHigh: 14.4)

    @Test func scoresBands() {
        #expect(
            limit.judge(13.5) == .init(severity: nil, limit: .nan, high: true, score: 100)
                || limit.judge(13.5).severity == nil)
        #expect(limit.judge(13.5).score == 100)
        let warning = limit.judge(14.25)
        #expect(warning.severity == .warning)
        #expect(warning.high)
        #expect(abs(warning.score - 50) < 1e-9)
        let low = limit.judge(12.8)
        #expect(low.severity == .warning)
        #expect(!low.high)
        #expect(low.limit == 13.0)
        let critical = limit.judge(12.6)
        #expect(critical.severity == .critical)
        #expect(critical.score == 30)
        #expect(limit.judge(5).score == 0)
    }

    @Test func knowsWhatIsImpossible() {
        let jar = LimitSet.defaults.kinds["vrla_string"]!["jar_voltage_v"]!
        #expect(jar.impossibility(40) != nil)
        #expect(jar.impossibility(-1) != nil)
        #expect(jar.impossibility(13) == nil)
    }
}

@Suite struct EvaluatorTests {
    func reading(_ asset: String, at elapsed: Double) -> Reading {
        var site = SimulatedSite()
        let sample = site.sample(elapsed: elapsed).first { $0.asset.rawValue == asset }!
        return Reading(
            site: try! TopicLevel("demo"), asset: sample.asset, kind: sample.kind, seq: 1,
            ts: Timestamp(millisecondsSinceEpoch: 0), source: "sim", values: sample.values)
    }

    func evaluation(_ reading: Reading) -> Evaluation {
        guard case .evaluated(let evaluation) = Evaluator().evaluate(reading) else {
            Issue.record("expected an evaluation")
            return Evaluation(
                site: reading.site, asset: reading.asset, kind: reading.kind, seq: 0, ts: reading.ts,
                health: .init(score: -1, primaryConcern: nil, breakdown: []), findings: [])
        }
        return evaluation
    }

    @Test func aHealthyStringScoresFullMarks() {
        let result = evaluation(reading("ups1-str02", at: 60))
        #expect(result.findings.isEmpty)
        #expect(result.health.score == 100)
        #expect(result.health.primaryConcern == nil)
        // Four limits, the string's own four checks (deviation, runaway, links, resistance rise)
        // and its prognosis (state of health, remaining life).
        #expect(result.health.breakdown.count == 10)
        #expect(result.health.breakdown.contains { $0.metric == "thermal_runaway" && $0.score == 100 })
    }

    @Test func theFailingJarIsFoundExplainedAndScored() {
        let result = evaluation(reading("ups1-str01", at: 60))
        let resistance = result.findings.first { $0.code.rawValue == "jar_resistance_high" }
        #expect(resistance?.severity == .critical)
        #expect(resistance?.jar == 7)
        #expect(resistance?.metric == "jar07.resistance_mohm")
        #expect(resistance?.limit == 6.0)
        #expect(resistance?.message.hasPrefix("jar 7 resistance") == true)
        #expect(resistance?.recommendation.contains("capacity test of jar 7") == true)
        #expect(result.findings.contains { $0.code.rawValue == "jar_voltage_low" && $0.jar == 7 })
        #expect(result.findings.allSatisfy { $0.jar == 7 })
        #expect(result.health.score < 80)
        #expect(result.health.primaryConcern == "jar07.resistance_mohm")
        let total = result.health.breakdown.reduce(0) { $0 + $1.contribution }
        #expect(abs(total - result.health.score) < 0.01)
    }

    @Test func vibrationEpisodeWarns() {
        let result = evaluation(reading("pump-2", at: 50))
        #expect(result.findings.map(\.code.rawValue) == ["vibration_high"])
        #expect(result.findings.first?.severity == .warning)
    }

    @Test func impossibleReadingsAreRejectedNotScored() {
        var bad = reading("ups1-str02", at: 0)
        bad.values.jars[2]["voltage_v"] = 40
        guard case .impossible(let rejection) = Evaluator().evaluate(bad) else {
            Issue.record("a 40 V jar was scored")
            return
        }
        #expect(rejection.field == "jar03.voltage_v")
        #expect(rejection.value == 40)
        #expect(rejection.reason.contains("above the physically possible 16"))
        #expect(rejection.recommendation.contains("wiring"))
    }

    @Test func absurdButFiniteValuesAreJudgedWithoutCrashing() throws {
        for huge in [1e19, -1e19, 1e306, Double.greatestFiniteMagnitude] {
            var bad = reading("pump-1", at: 0)
            bad.values.scalars["vibration_mm_s"] = huge
            guard case .evaluated(let result) = Evaluator().evaluate(bad) else { continue }
            // It must still encode: JSON cannot carry infinities.
            let decoded = try PayloadCodec.decode(Evaluation.self, from: PayloadCodec.encode(result))
            #expect(decoded.findings.first?.value.isFinite == true)
            #expect(decoded.health.score.isFinite)
        }
    }

    /// Real evaluations of every simulated asset, healthy and faulty, through the evaluator's own
    /// writer and through `JSONEncoder`: the same bytes.
    @Test func everySimulatedAssetsEvaluationIsWrittenAsJSONEncoderWritesIt() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var site = SimulatedSite()
        var state = EvaluatorState()
        let evaluator = Evaluator()
        var compared = 0
        var withFindings = 0
        var withResiduals = 0
        for elapsed in stride(from: 0.0, through: 7200, by: 30) {
            for sample in site.sample(elapsed: elapsed) {
                let reading = Reading(
                    site: try TopicLevel("demo"), asset: sample.asset, kind: sample.kind, seq: UInt64(elapsed) + 1,
                    ts: Timestamp(millisecondsSinceEpoch: Int64(elapsed * 1000)), source: "sim", values: sample.values)
                guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else { continue }
                let fast = try #require(evaluation.encodedJSON())
                #expect(Array(try encoder.encode(evaluation)) == fast, "\(reading.asset)")
                compared += 1
                if !evaluation.findings.isEmpty { withFindings += 1 }
                if evaluation.residuals != nil { withResiduals += 1 }
            }
        }
        #expect(compared > 1000)
        #expect(withFindings > 0)
        #expect(withResiduals > 0)
    }

    @Test func unknownKindsAreScoredWithoutFindings() throws {
        let generic = Reading(
            site: try TopicLevel("demo"), asset: try TopicLevel("room-1"), kind: try AssetKind("room_sensor"), seq: 1,
            ts: Timestamp(millisecondsSinceEpoch: 0), source: "replay", values: .init(scalars: ["temperature_c": 99]))
        #expect(evaluation(generic).health.score == 100)
    }
}

@Suite struct EvaluatorSettingsTests {
    func settings(_ yaml: String) throws -> EvaluatorAgent.Settings {
        try EvaluatorAgent.settings(from: ConfigNode(try YAML.parse(yaml), path: "evaluator"))
    }

    @Test func overridesOneMetricAndKeepsTheOtherDefaults() throws {
        let parsed = try settings(
            "limits:\n  vrla_string:\n    jar_resistance_mohm: {warn_high: 4.5, crit_high: 5.5}\n")
        let limits = parsed.evaluator.limits.kinds["vrla_string"]!
        #expect(limits["jar_resistance_mohm"]?.warnHigh == 4.5)
        #expect(limits["jar_resistance_mohm"]?.weight == 1)
        #expect(limits["jar_voltage_v"] == LimitSet.defaults.kinds["vrla_string"]!["jar_voltage_v"])
    }

    @Test func refusesContradictoryOrMisspeltLimits() {
        let cases: [(String, String)] = [
            (
                "limits:\n  pump:\n    vibration_mm_s: {warn_high: 8, crit_high: 7}\n",
                "evaluator.limits.pump.vibration_mm_s.crit_high"
            ),
            (
                "limits:\n  pump:\n    vibration_mm_s: {warn_hgih: 8}\n",
                "evaluator.limits.pump.vibration_mm_s.warn_hgih"
            ),
            (
                "limits:\n  pump:\n    vibration_mm_s: {warn_high: fast}\n",
                "evaluator.limits.pump.vibration_mm_s.warn_high"
            ),
            ("limits:\n  pump: 3\n", "evaluator.limits.pump"),
            ("limts: {}\n", "evaluator.limts"),
            (
                "limits:\n  pump:\n    \(String(repeating: "m", count: 60)): {warn_high: 1}\n",
                "evaluator.limits.pump.\(String(repeating: "m", count: 60))"
            ),
            ("limits:\n  \"pu mp\":\n    x: {warn_high: 1}\n", "evaluator.limits.pu mp"),
            ("weights:\n  chiller: {kw_per_ton: heavy}\n", "evaluator.weights.chiller.kw_per_ton"),
            ("weights:\n  chiller: {kw_per_ton: -1}\n", "evaluator.weights.chiller.kw_per_ton"),
            ("anomaly: {watch_z: 5, warning_z: 4}\n", "evaluator.anomaly.warning_z"),
            ("anomaly: {persistance: 3}\n", "evaluator.anomaly.persistance"),
            ("battery: {capacity_ah: 0}\n", "evaluator.battery.capacity_ah"),
            ("partition: 2/2\n", "evaluator.partition"),
            ("strict: maybe\n", "evaluator.strict"),
        ]
        for (yaml, key) in cases {
            do {
                _ = try settings(yaml)
                Issue.record("accepted \(yaml)")
            } catch let error as ConfigError {
                #expect(error.key == key)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    /// The shipped sample configuration is what `make run` starts with: it must parse, and say
    /// what the defaults say.
    @Test func theSampleConfigurationsEvaluatorSectionMatchesTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/vigil.yaml").path
        let root = try YAML.parse(String(contentsOfFile: path, encoding: .utf8))
        let parsed = try EvaluatorAgent.settings(from: ConfigNode(root, path: "").child("evaluator"))
        #expect(parsed.evaluator.weights == Evaluator.defaultWeights)
        #expect(parsed.evaluator.anomaly == AnomalyPolicy())
        #expect(parsed.evaluator.battery == BatteryTwin.Parameters())
        #expect(parsed.partition == .whole && !parsed.evaluator.strict)
        #expect(parsed.evaluator.limits == LimitSet.defaults)
        #expect(parsed.evaluator.rul == PrognosisSettings())
    }

    @Test func weightsReplaceOneComponentAndKeepTheRest() throws {
        let parsed = try settings("weights:\n  chiller: {kw_per_ton: 30}\n  pump: {power_kw: 2}\n")
        #expect(parsed.evaluator.weights["chiller"]?["kw_per_ton"] == 30)
        #expect(parsed.evaluator.weights["chiller"]?["vibration_mm_s"] == 35)
        #expect(parsed.evaluator.weights["pump"] == ["power_kw": 2])
    }
}
