import Foundation
import Testing
import VigilDomain
import VigilPrognostics

@testable import VigilEvaluator

/// A model learned from the site's own failed pumps: trained from their recorded history (the
/// recorder's export, as `vigil-evaluator train --history` reads it) and served to a pump it
/// never saw, in days.
@Suite struct SiteModelTests {
    /// A fleet whose bearings wear out: vibration and motor temperature climb in the last weeks,
    /// flow says nothing, and the run-hours counter only counts.
    struct Fleet {
        var state: UInt64 = 7
        mutating func noise() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }

        mutating func hour(_ hour: Int, life: Int) -> [String: Double] {
            let remaining = Double(life) - Double(hour) / 24
            return [
                "vibration_mm_s": 2 + 4 * exp(-remaining / 8) + 0.3 * noise(),
                "motor_temperature_c": 60 + 10 * exp(-remaining / 10) + noise(),
                "flow_lps": 40 + 2 * noise(), "run_hours": Double(hour),
            ]
        }
    }

    static let lives = (0..<12).map { 40 + 4 * $0 }

    static func trained() throws -> RULModel {
        var fleet = Fleet()
        var samples: [RunToFailureSet.Sample] = []
        var failures: [String: Double] = [:]
        for (index, life) in lives.enumerated() {
            let start = Double(index) * 1000 * 86_400
            for hour in 0...(life * 24) {
                for (metric, value) in fleet.hour(hour, life: life) {
                    samples.append(
                        .init(asset: "pump-\(index)", time: start + Double(hour) * 3600, metric: metric, value: value))
                }
            }
            failures["pump-\(index)"] = start + Double(life) * 86_400
        }
        let set = try RunToFailureSet(
            samples: samples, failures: failures, cycleSeconds: 86_400, excluded: ["run_hours"])
        #expect(set.metrics == ["flow_lps", "motor_temperature_c", "vibration_mm_s"])
        var options = RULModel.TrainingOptions()
        options.trees.iterations = 150
        options.trees.learningRate = 0.1
        options.cap = 60
        options.minimumHistory = 10
        options.cycleSeconds = 86_400
        return try RULModel.train(
            set, features: WindowFeatures(sensors: set.informativeColumns, window: 10, columns: set.metrics),
            options: options)
    }

    @Test func aPumpItNeverSawGetsItsRemainingLifeInDaysFromItsHourlyReadings() throws {
        let model = try Self.trained()
        // Held-out pumps: a constant guess of the mean life left would be off by about 17 days.
        #expect(model.summary.rmse < 8, "held-out rmse \(model.summary.rmse) days")
        #expect(model.cycleSeconds == 86_400 && model.labelCap == 60)
        var evaluator = Evaluator()
        evaluator.rul.model = model
        evaluator.rul.kinds = ["pump"]
        var state = EvaluatorState()
        var fleet = Fleet(state: 99)
        let life = 50
        var answers: [(left: Double, life: Evaluation.RemainingLife?)] = []
        for hour in 0..<(life * 24) {
            let reading = Reading(
                site: try TopicLevel("site"), asset: try TopicLevel("pump-new"), kind: .pump, seq: UInt64(hour + 1),
                ts: Timestamp(millisecondsSinceEpoch: Int64(hour) * 3_600_000), source: "sim",
                values: .init(scalars: fleet.hour(hour, life: life).merging(["speed_rpm": 1480]) { $1 }))
            guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else {
                Issue.record("hour \(hour) refused")
                return
            }
            answers.append((Double(life) - Double(hour) / 24, evaluation.rul))
            if hour == 30 * 24 {
                // A restart keeps the cycles gathered so far: a day-long cycle would take weeks to refill.
                let saved = try JSONDecoder().decode(EvaluatorState.self, from: try JSONEncoder().encode(state))
                #expect(saved.histories == state.histories)
                state = saved
            }
        }
        // Nothing from the model until the first daily cycle has closed (training saw units from
        // their first cycle too); from then on an answer in days, every hour.
        #expect(answers[..<24].allSatisfy { $0.life?.model != model.version })
        let served = answers.compactMap { $0.life?.model == model.version ? $0 : nil }
        #expect(served.count == life * 24 - 24, "\(served.count) hours with the learned model's answer")
        #expect(served.allSatisfy { $0.life!.unit == "days" && $0.life!.p10 <= $0.life!.p50 })
        let late = answers[(life - 8) * 24].life!
        #expect(abs(late.p50 - 8) < 6, "predicted \(late.p50) days with 8 left")
        let early = answers[15 * 24].life!
        #expect(early.p50 > 20, "predicted \(early.p50) days with 35 left")
        let covered = served.filter { $0.life!.p10 - 1 <= $0.left && $0.left <= $0.life!.p90 + 1 }.count
        #expect(
            Double(covered) / Double(served.count) > 0.5, "P10–P90 held the truth \(covered) of \(served.count) hours")
    }

    /// The files as an engineer makes them: `vigil-recorder query … --format csv` and a list of failures.
    @Test func trainReadsTheRecordersExportAndAFailureList() throws {
        let directory = NSTemporaryDirectory() + "vigil-site-history-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lines = ["ts,asset,seq,quality,metric,value"]
        for hour in 0..<96 {
            let ts = Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(hour) * 3_600_000).rfc3339
            lines.append("\(ts),pump-1,\(hour + 1),good,vibration_mm_s,\(2 + Double(hour) / 24)")
            lines.append("\(ts),pump-1,\(hour + 1),\(hour == 5 ? "comm_error" : "good"),flow_lps,40")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: "\(directory)/history.csv", atomically: true, encoding: .utf8)
        try "asset,failed_at\npump-1, 2026-12-02T23:00:00Z\n".write(
            toFile: "\(directory)/failures.csv", atomically: true, encoding: .utf8)
        let set = try RULFiles.siteHistory(
            "\(directory)/history.csv", failures: "\(directory)/failures.csv", cycleSeconds: 86_400, excluded: [])
        #expect(set.metrics == ["flow_lps", "vibration_mm_s"])
        #expect(set.units.count == 1 && set.units[0].cycles == 4)
        #expect(set.units[0].sensors[1][0] == 40)
        #expect(abs(set.units[0].sensors[1][1] - (3 + 11.5 / 24)) < 1e-9)
        try "asset,failed_at\npump-1,yesterday\n".write(
            toFile: "\(directory)/bad.csv", atomically: true, encoding: .utf8)
        #expect {
            try RULFiles.siteHistory(
                "\(directory)/history.csv", failures: "\(directory)/bad.csv", cycleSeconds: 86_400, excluded: [])
        } throws: { "\($0)".contains("bad.csv line 2") }
    }
}
