import Testing
import VigilDomain

@testable import VigilEvaluator

@Suite struct VRLAStringTests {
    /// 24 jars on float at `volts` each, the terminals reading their sum less `linkOhm` × current.
    func string(
        volts: Double = 13.5, current: Double = 0.12, ambient: Double = 25, linkOhm: Double = 0,
        terminalOffset: Double = 0, adjust: (inout [VRLAString.Jar]) -> Void = { _ in }
    ) -> VRLAString {
        var jars = (0..<24).map { index in
            VRLAString.Jar(
                voltage: volts + (index % 2 == 0 ? 0.01 : -0.01), temperature: ambient + 1, resistance: 4.1)
        }
        adjust(&jars)
        let sum = jars.compactMap(\.voltage).reduce(0, +)
        return VRLAString(
            stringVoltage: sum - current * linkOhm + terminalOffset, current: current, ambient: ambient, jars: jars)
    }

    @Test func floatTargetFollowsTheCompensationSlopeAndIsClamped() {
        #expect(abs(VRLAString.floatTarget(celsius: 25) - 13.5) < 1e-12)
        #expect(abs(VRLAString.floatTarget(celsius: 35) - 13.32) < 1e-12)
        #expect(abs((VRLAString.floatTarget(celsius: 30) - VRLAString.floatTarget(celsius: 20)) / 10 + 0.018) < 1e-12)
        // Outside 5–40 °C the target holds at the end of the range.
        #expect(VRLAString.floatTarget(celsius: 60) == VRLAString.floatTarget(celsius: 40))
        #expect(abs(VRLAString.floatTarget(celsius: -10) - 13.86) < 1e-12)
    }

    @Test func aHealthyStringOnFloatHasNoFindings() {
        let healthy = string()
        #expect(healthy.impossibility() == nil)
        #expect(healthy.findings().isEmpty)
        let derived = healthy.derived()
        #expect(derived["float_target_v"] == 324)
        #expect(derived["jar_sum_v"] == 324)
        #expect(derived["jar_temperature_rise_max_c"] == 1)
        #expect(derived["link_resistance_mohm"] == nil, "too little current to measure the links")
    }

    @Test func terminalsThatDisagreeWithTheJarsAtRestAreASenseLeadFault() throws {
        let wrong = string(terminalOffset: -10)
        let impossible = try #require(wrong.impossibility())
        #expect(impossible.field == "string_voltage_v")
        #expect(impossible.reason.contains("324"))
        #expect(impossible.recommendation.contains("sense leads"))
        // Within the 2 % tolerance (6.5 V here) the reading stands.
        #expect(string(terminalOffset: -5).impossibility() == nil)
    }

    @Test func aLooseLinkUnderLoadIsAnAlarmNotARejection() throws {
        let discharging = string(current: 80, linkOhm: 0.040)
        #expect(discharging.impossibility() == nil)
        let finding = try #require(discharging.findings().first { $0.code.rawValue == "connection_resistance_high" })
        #expect(finding.severity == .critical)
        #expect(abs(finding.value - 40) < 1e-6)
        #expect(discharging.derived()["link_resistance_mohm"] == 40)
        let recharging = string(current: -12, linkOhm: 0.015)
        #expect(recharging.findings().first { $0.code.rawValue == "connection_resistance_high" }?.severity == .warning)
        #expect(string(current: 80, linkOhm: 0.003).findings().isEmpty)
    }

    @Test func terminalsAboveTheJarsWhileDischargingAreImpossible() throws {
        let impossible = try #require(string(current: 80, terminalOffset: 2).impossibility())
        #expect(impossible.field == "string_current_a")
    }

    @Test func aJarAwayFromTheMeanIsFlaggedByNumber() throws {
        let warning = string { $0[6].voltage = 13.14 }
        let finding = try #require(warning.findings().first)
        #expect(finding.code.rawValue == "jar_voltage_deviation")
        #expect(finding.severity == .warning)
        #expect(finding.jar == 7)
        #expect(finding.value < -0.3 && finding.value > -0.5)
        #expect(finding.metric == "jar07.voltage_v")
        let critical = string { $0[6].voltage = 12.8 }
        #expect(critical.findings().first { $0.jar == 7 }?.severity == .critical)
        #expect(string { $0[6].voltage = 13.3 }.findings().isEmpty)
    }

    @Test func aJarTenDegreesAboveTheRoomIsThermalRunaway() throws {
        let hot = string { $0[2].temperature = 25 + 12 }
        let finding = try #require(hot.findings().first { $0.code.rawValue == "thermal_runaway" })
        #expect(finding.severity == .critical)
        #expect(finding.jar == 3)
        #expect(abs(finding.value - 12) < 1e-9)
        #expect(string { $0[2].temperature = 25 + 8 }.findings().isEmpty)
    }

    @Test func aStringFloatingOffTheCompensatedTargetIsFlaggedOnlyAtRest() {
        // At 35 °C the target is 13.32 V a jar: 13.5 is 0.18 V a jar too high.
        let hot = string(volts: 13.5, ambient: 35)
        #expect(hot.findings().map(\.code.rawValue) == ["float_voltage_high"])
        #expect(string(volts: 13.35, ambient: 35).findings().isEmpty)
        #expect(string(volts: 13.2, ambient: 25).findings().map(\.code.rawValue) == ["float_voltage_low"])
        // Discharging, the voltage says nothing about the charger.
        #expect(string(volts: 12.2, current: 60, ambient: 25).findings().isEmpty)
    }

    @Test func aMissingJarVoltageJudgesNothingAboutTheSum() {
        let partial = string(terminalOffset: -10) { $0[4].voltage = nil }
        #expect(partial.impossibility() == nil)
        #expect(partial.derived()["jar_sum_v"] == nil)
    }

    @Test func theEvaluatorPublishesStringFindingsDerivedValuesAndAHealthThatFallsWithThem() throws {
        var jars = (0..<24).map { _ in ["voltage_v": 13.5, "temperature_c": 26.0, "resistance_mohm": 4.1] }
        jars[2]["temperature_c"] = 40
        let reading = Reading(
            site: try TopicLevel("demo"), asset: try TopicLevel("ups1-str01"), kind: .vrlaString, seq: 1,
            ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000), source: "test",
            values: .init(
                scalars: ["string_voltage_v": 324, "string_current_a": 0.1, "ambient_temperature_c": 25], jars: jars))
        guard case .evaluated(let evaluation) = Evaluator().evaluate(reading) else {
            Issue.record("not evaluated")
            return
        }
        #expect(evaluation.findings.contains { $0.code.rawValue == "thermal_runaway" && $0.jar == 3 })
        #expect(evaluation.derived?["float_target_v"] == 324)
        #expect(evaluation.health.score < 80)
        #expect(evaluation.health.primaryConcern == "thermal_runaway")
        let json = String(decoding: PayloadCodec.encode(evaluation), as: UTF8.self)
        #expect(json.contains("\"derived\""))

        var senseFault = reading
        senseFault.values.scalars["string_voltage_v"] = 300
        guard case .impossible(let rejection) = Evaluator().evaluate(senseFault) else {
            Issue.record("a sense-lead fault was evaluated")
            return
        }
        #expect(rejection.field == "string_voltage_v")
    }

    /// 324 V of jars read as 320.5 V at rest: 1.1 % apart, inside the 2 % that refuses a reading
    /// but past half of it. Judged and flagged normally; refused in strict mode.
    @Test func aHalfWaySenseMismatchIsAWarningAndStrictModeRefusesIt() throws {
        let jars = (0..<24).map { _ in ["voltage_v": 13.5, "temperature_c": 25.0, "resistance_mohm": 4.0] }
        let reading = Reading(
            site: try TopicLevel("demo"), asset: try TopicLevel("ups1-str01"), kind: .vrlaString, seq: 1,
            ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000), source: "test",
            values: .init(
                scalars: ["string_voltage_v": 320.5, "string_current_a": 0.1, "ambient_temperature_c": 25], jars: jars))
        guard case .evaluated(let evaluation) = Evaluator().evaluate(reading) else {
            Issue.record("a reading inside the tolerance was refused")
            return
        }
        let doubt = try #require(evaluation.findings.first { $0.code.rawValue == "sense_mismatch" })
        #expect(doubt.severity == .warning && doubt.value == 3.5)
        var strict = Evaluator()
        strict.strict = true
        var state = EvaluatorState()
        guard case .impossible(let rejection) = strict.evaluate(reading, state: &state) else {
            Issue.record("strict mode judged a doubtful reading")
            return
        }
        #expect(rejection.reason.hasPrefix("strict mode:") && rejection.field == "string_voltage_v")
        // Kept out of the models: nothing learned, no twin started.
        #expect(state == EvaluatorState())
        var clean = reading
        clean.values.scalars["string_voltage_v"] = 324
        guard case .evaluated = strict.evaluate(clean, state: &state) else {
            Issue.record("strict mode refused a clean reading")
            return
        }
    }
}
