import Testing
import VigilDomain

@testable import VigilEvaluator
@testable import VigilPrognostics

/// What the field throws at the learned state: counters, redeliveries, mains blips, clocks that
/// start in 1970, stopped machines and hand-edited model files.
@Suite struct EdgeCaseTests {
    @Test func aCounterIsNeverAnAnomaly() throws {
        let evaluator = Evaluator()
        var state = EvaluatorState()
        for cycle in 1...200 {
            let reading = try AnomalyTests.reading(
                try AssetKind("turbofan"), seq: UInt64(cycle), ["cycle": Double(cycle), "sensor_02": 642])
            guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else { return }
            #expect(!evaluation.findings.contains { $0.code.rawValue == "cycle_anomaly" }, "cycle \(cycle)")
        }
    }

    @Test func aRedeliveredReadingDoesNotEndADischarge() {
        var twin = BatteryTwin()
        let parameters = BatteryTwin.Parameters()
        func step(_ seconds: Int64, _ current: Double, _ volts: Double) -> BatteryTwin.Step? {
            twin.step(
                time: seconds * 1000, current: current, voltages: [volts, volts], temperatures: [25, 25],
                resistances: [4, 4], parameters: parameters)
        }
        _ = step(0, 0.1, 13.5)
        for second in 1...60 { _ = step(Int64(second), 30, 12.3) }
        #expect(twin.discharge != nil)
        #expect(step(60, 30, 12.3) == nil, "the same reading again is news to nobody")
        #expect(step(30, 30, 12.3) == nil)
        #expect(twin.discharge?.seconds == 60 && twin.last == nil)
    }

    @Test func aMainsBlipDoesNotEraseAMeasuredCapacity() {
        var twin = BatteryTwin()
        var parameters = BatteryTwin.Parameters()
        parameters.capacity = 20
        var now: Int64 = 0
        func step(_ current: Double, _ volts: Double) {
            now += 10_000
            _ = twin.step(
                time: now, current: current, voltages: [volts], temperatures: [25], resistances: [4],
                parameters: parameters)
        }
        step(0.1, 13.5)
        // Half an hour at 10 A from a 20 Ah jar: deep enough to measure.
        for index in 0..<180 { step(10, 12.6 - Double(index) * 0.004) }
        step(-5, 13.0)
        let measured = twin.measured
        #expect(measured?.capacity != nil, "\(String(describing: twin.last)) \(twin.jars)")
        // Twenty seconds on battery a week later: too shallow to say anything of the capacity.
        now += 7 * 86_400_000
        step(0.1, 13.5)
        step(10, 12.5)
        step(10, 12.5)
        step(-5, 13.0)
        #expect(twin.last?.capacity == nil && twin.measured == measured)
    }

    @Test func aReadingFromBeforeTheTrendIsRefused() {
        var trend = Trend()
        for hour in 0..<48 {
            _ = trend.add(time: 20_000 + Double(hour) / 24, value: Double(hour), interval: 1.0 / 24, memory: 14)
        }
        let before = trend
        let added = trend.add(time: 0, value: -1000, interval: 1.0 / 24, memory: 14)
        #expect(!added)
        #expect(trend == before)
    }

    @Test func aStoppedPumpTeachesItsVibrationNothing() throws {
        let evaluator = Evaluator()
        var state = EvaluatorState()
        for seq in 1...40 {
            let reading = try AnomalyTests.reading(
                .pump, seq: UInt64(seq), ["flow_lps": 0, "speed_rpm": 0, "vibration_mm_s": 0.05])
            _ = evaluator.evaluate(reading, state: &state)
        }
        #expect(state.vibrations.isEmpty)
    }

    @Test func aModelFileThatCannotWorkIsNamedForWhatIsWrong() throws {
        let set = RunToFailureSet(
            units: (1...6).map { unit in
                RunToFailureSet.Unit(
                    id: unit,
                    sensors: (0..<(40 + unit * 5)).map { cycle in (0..<21).map { Double($0) + Double(cycle) * 0.01 } })
            })
        var options = RULModel.TrainingOptions()
        options.trees.iterations = 10
        let model = try RULModel.train(set, options: options)
        #expect(model.problem == nil)
        var noBands = model
        noBands.bands = []
        #expect(noBands.problem == "no interval bands")
        var noWindow = model
        noWindow.features.window = 0
        #expect(noWindow.problem?.contains("window") == true)
        var badSensor = model
        badSensor.features.sensors = [22]
        #expect(badSensor.problem == "columns outside 1–21")
        var loop = model
        loop.trees.trees[0].left[0] = 0
        #expect(loop.problem?.contains("points outside") == true)
    }
}
