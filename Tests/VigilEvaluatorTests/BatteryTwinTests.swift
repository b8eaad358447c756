import Testing
import VigilDomain
import VigilSimulator

@testable import VigilEvaluator

@Suite struct BatteryTwinTests {
    @Test func theOpenCircuitTableInvertsAndSlopes() {
        #expect(OpenCircuitVoltage.volts(soc: 1, celsius: 26.7) == 12.8)
        #expect(abs(OpenCircuitVoltage.volts(soc: 0.375, celsius: 26.7) - 12.2) < 1e-9)
        for soc in stride(from: 0.0, through: 1.0, by: 0.05) {
            let volts = OpenCircuitVoltage.volts(soc: soc, celsius: 20)
            #expect(abs(OpenCircuitVoltage.soc(volts: volts, celsius: 20) - soc) < 1e-9)
        }
        #expect(abs(OpenCircuitVoltage.slope(soc: 0.3) - 1.6) < 1e-9)
        #expect(abs(OpenCircuitVoltage.slope(soc: 0.9) - 0.8) < 1e-9)
    }

    /// The simulator's string, discharged for an hour at C/4 with one weak jar (SOH 0.75 after a
    /// year and a half of the failing profile), is the synthetic discharge: its ground truth holds
    /// every jar's real state of charge, which the twin never sees.
    @Test func theFilterFollowsTheWeakestJarThroughADischarge() throws {
        let asset = try TopicLevel("ups1-str01")
        var configuration = SiteConfiguration(
            climate: .tropical(), outages: .scripted([Outage(start: 600, duration: 3600, cRate: 0.25)]),
            strings: [asset: .init(profile: .healthy, jarProfiles: [7: .failing], ageYears: 1)])
        configuration.scenarios = []
        var site = try SimulatedSite(seed: 3, configuration: configuration)
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var worstError = 0.0
        var lastEvaluation: Evaluation?
        var step: UInt64 = 0
        for second in stride(from: 0.0, through: 600 + 3600 + 900, by: 5) {
            let sample = try #require(site.sample(elapsed: second).first { $0.asset == asset })
            step += 1
            let reading = Reading(
                site: try TopicLevel("site"), asset: asset, kind: .vrlaString, seq: step,
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(second * 1000)), source: "sim",
                values: sample.values)
            guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else {
                Issue.record("rejected at \(second) s")
                continue
            }
            lastEvaluation = evaluation
            let truth = try #require(site.groundTruth(asset)?.stateOfCharge)
            let estimate = try #require(evaluation.derived?["soc_min_pct"]) / 100
            // Past the first minute of the outage (the filter has to see the voltage fall first).
            if second >= 660 { worstError = max(worstError, abs(estimate - truth)) }
            if second == 600 + 1800 {
                #expect(evaluation.derived?["runtime_min"] != nil, "no runtime while discharging")
                #expect(evaluation.derived?["discharge_ah"].map { $0 > 10 } == true)
            }
        }
        print("twin: worst state-of-charge error of the weakest jar \(worstError * 100) %")
        #expect(worstError < 0.08)
        let derived = try #require(lastEvaluation?.derived)
        let delivered = try #require(derived["last_discharge_ah"])
        // About C/4 × 120 Ah for an hour, a little more as the voltage falls (constant power).
        #expect(delivered > 28 && delivered < 36, "delivered \(delivered) Ah")
        let capacity = try #require(derived["last_discharge_capacity_ah"])
        let truthSOH = try #require(site.groundTruth(asset)?.stateOfHealth)
        print("twin: implied capacity \(capacity) Ah, weakest jar really \(truthSOH * 120) Ah")
        #expect(abs(capacity - truthSOH * 120) / (truthSOH * 120) < 0.2)
        // The measured capacity is the string's state of health now: the resistance baseline was
        // learned on a jar already aged a year and a half, and says nothing of that.
        let evaluation = try #require(lastEvaluation)
        #expect(abs((evaluation.soh ?? 1) - capacity / 120) < 0.01, "soh \(evaluation.soh ?? -1)")
        let low = try #require(evaluation.findings.first { $0.code.rawValue == "soh_low" })
        #expect(low.metric == "soh_capacity_pct" && low.severity == .critical)
    }

    @Test func aLongGapStartsTheTwinAgainFromTheVoltages() {
        var twin = BatteryTwin()
        let parameters = BatteryTwin.Parameters()
        _ = twin.step(
            time: 0, current: 0.1, voltages: [13.5, 13.5], temperatures: [25, 25], resistances: [4, 4],
            parameters: parameters)
        #expect(twin.jars.map(\.soc) == [1, 1])
        // Off the charger and rested at 12.4 V an hour later: half full, read from the table.
        let step = twin.step(
            time: 3_600_000, current: 0, voltages: [12.4 - 0.0017, 12.4 - 0.0017], temperatures: [25, 25],
            resistances: [4, 4], parameters: parameters)
        #expect(step.map { $0.soc.allSatisfy { abs($0 - 0.5) < 0.01 } } == true)
    }

    /// Under load, a jar whose voltage keeps leaving what its twin expects is an anomaly once the
    /// residual has held for the persistence window, like any learned quantity.
    @Test func aJarThatKeepsLeavingItsTwinIsAnAnomaly() throws {
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var second: Int64 = 0
        func reading(_ jar3: Double, current: Double = 30) throws -> Evaluation {
            second += 1
            var jars = (0..<24).map { _ in ["voltage_v": 12.2, "temperature_c": 25.0, "resistance_mohm": 4.0] }
            jars[2]["voltage_v"] = jar3
            let values = Reading.Values(
                scalars: [
                    "string_voltage_v": 12.2 * 23 + jar3 - current * 0.002, "string_current_a": current,
                    "ambient_temperature_c": 25,
                ], jars: jars)
            let reading = Reading(
                site: try TopicLevel("site"), asset: try TopicLevel("str"), kind: .vrlaString, seq: UInt64(second),
                ts: Timestamp(millisecondsSinceEpoch: second * 1000), source: "test", values: values)
            guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else {
                throw AnomalyTests.Failure.rejected
            }
            return evaluation
        }
        for _ in 0..<60 { _ = try reading(12.2) }
        var codes: Set<String> = []
        for _ in 0..<10 { codes.formUnion(try reading(11.9).findings.map(\.code.rawValue)) }
        #expect(codes.contains("twin_voltage_residual_anomaly"), "\(codes)")
    }
}
