import Testing
import VigilDomain

@testable import VigilEvaluator

@Suite struct ChillerTests {
    /// A chiller at 7/12 °C on 50 L/s: 1,047.5 kW of cooling for `power` kW.
    func values(
        supply: Double = 7, returnTemperature: Double = 12, condenserIn: Double = 29, condenserOut: Double = 34,
        condensing: Double = 35.5, power: Double = 190, phases: [Double] = [300, 301, 299], voltages: [Double]? = nil
    ) -> Reading.Values {
        var series = ["phase_current_a": phases]
        if let voltages { series["phase_voltage_v"] = voltages }
        return Reading.Values(
            scalars: [
                "chw_supply_c": supply, "chw_return_c": returnTemperature, "cdw_in_c": condenserIn,
                "cdw_out_c": condenserOut, "refrigerant_sat_c": condensing, "power_kw": power, "flow_lps": 50,
            ], series: series)
    }

    @Test func theWaterSideGivesCoolingTonsKilowattsPerTonAndCOP() {
        let derived = Chiller(values()).derived()
        #expect(derived["delta_t_c"] == 5)
        #expect(derived["cooling_kw"] == 1047.5)
        #expect(derived["tons"] == 297.839)  // 1,047.5 / 3.517
        #expect(derived["kw_per_ton"] == 0.638)  // 190 / 297.84
        #expect(derived["cop"] == 5.513)  // 1,047.5 / 190
        #expect(derived["condenser_approach_c"] == 1.5)
        #expect(Chiller(values()).findings().isEmpty)
    }

    @Test func ratiosAreLeftOutWhenThereIsNoLoad() {
        let idle = Chiller(values(returnTemperature: 7.05, power: 3)).derived()
        #expect(idle["kw_per_ton"] == nil && idle["cop"] == nil)
        #expect(idle["delta_t_c"] == 0.05)
    }

    @Test func swappedSensorsAreRefusedWithTheLikelyCause() throws {
        let swapped = try #require(Chiller(values(supply: 12, returnTemperature: 7)).impossibility())
        #expect(swapped.field == "chw_return_c")
        #expect(swapped.recommendation.contains("swapped"))
        let condenser = try #require(Chiller(values(condenserIn: 34, condenserOut: 29)).impossibility())
        #expect(condenser.field == "cdw_out_c")
        // Noise around zero load is not a fault.
        #expect(Chiller(values(supply: 7.1, returnTemperature: 7.0)).impossibility() == nil)
    }

    @Test func nemaImbalanceIsTheLargestDeviationOverTheMean() throws {
        #expect(Chiller.imbalance([460, 470, 450]) == 10.0 / 460 * 100)
        #expect(Chiller.imbalance([100]) == nil)
        let warning = try #require(Chiller(values(phases: [300, 300, 330])).findings().first)
        #expect(warning.code.rawValue == "phase_imbalance")
        #expect(warning.severity == .warning)  // 6.25 %
        #expect(Chiller(values(phases: [280, 280, 350])).findings().first?.severity == .critical)  // 14.3 %
        // Voltages are held to NEMA's 1 % and 2 %.
        let voltage = Chiller(values(voltages: [400, 400, 412])).findings()
        #expect(voltage.first { $0.metric == "phase_voltage_v" }?.severity == .warning)
        // Small currents are mostly noise.
        #expect(Chiller(values(power: 20, phases: [30, 30, 36])).findings().isEmpty)
    }

    @Test func pumpsGetTheirISOZone() {
        #expect(Evaluator.vibrationZone(1.0) == 1)
        #expect(Evaluator.vibrationZone(1.4) == 2)
        #expect(Evaluator.vibrationZone(2.79) == 2)
        #expect(Evaluator.vibrationZone(3.0) == 3)
        #expect(Evaluator.vibrationZone(4.5) == 4)
    }

    @Test func theEvaluatorRefusesASwappedChillerAndScoresAnImbalancedOne() throws {
        func reading(_ values: Reading.Values, kind: AssetKind = .chiller) throws -> Reading {
            Reading(
                site: try TopicLevel("demo"), asset: try TopicLevel("chiller-1"), kind: kind, seq: 1,
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000), source: "test", values: values)
        }
        guard
            case .impossible(let rejection) = Evaluator().evaluate(
                try reading(values(supply: 12, returnTemperature: 7)))
        else {
            Issue.record("swapped sensors were evaluated")
            return
        }
        #expect(rejection.field == "chw_return_c")
        guard case .evaluated(let evaluation) = Evaluator().evaluate(try reading(values(phases: [280, 280, 350])))
        else {
            Issue.record("not evaluated")
            return
        }
        #expect(evaluation.findings.map(\.code.rawValue) == ["phase_imbalance"])
        #expect(evaluation.health.primaryConcern == "phase_imbalance")
        #expect(evaluation.derived?["kw_per_ton"] == 0.638)
        let pump = try reading(.init(scalars: ["vibration_mm_s": 3.1, "flow_lps": 40]), kind: .pump)
        guard case .evaluated(let pumped) = Evaluator().evaluate(pump) else {
            Issue.record("pump not evaluated")
            return
        }
        #expect(pumped.derived?["iso10816_zone"] == 3)
        #expect(pumped.findings.first { $0.code.rawValue == "vibration_high" }?.severity == .warning)
    }
}
