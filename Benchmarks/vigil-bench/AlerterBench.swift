import Foundation
import VigilAlerter
import VigilDomain

/// The alerter's work per evaluation: decode, rules, every alarm's lifecycle, flood and
/// suppression checks. Evaluations as a site sends them: most carry a standing finding or none,
/// and one in 500 changes something, so transitions (and the state saves before them) happen too.
enum AlerterBench {
    static func payloads(count: Int, assets: Int) throws -> [(topic: String, payload: [UInt8])] {
        let site = try TopicLevel("bench")
        let topics = Topics(site: site)
        let standing = Finding(
            code: try TopicLevel("jar_resistance_rise"), severity: .warning, metric: "jar07.resistance_mohm", jar: 7,
            value: 27.5, limit: 20, message: "jar 7 resistance 5.1 mΩ is 27.5 % above its baseline 4 mΩ",
            recommendation: "schedule a capacity test of jar 7 and plan its replacement")
        let passing = Finding(
            code: try TopicLevel("jar_temperature_high"), severity: .warning, metric: "jar12.temperature_c", jar: 12,
            value: 41.2, limit: 40, message: "jar 12 temperature 41.2 °C is above 40 °C",
            recommendation: "check the room cooling and the jar")
        return try (0..<count).map { index in
            let asset = try TopicLevel("str-\(index % assets)")
            var findings: [Finding] = []
            if index % assets < assets / 4 { findings.append(standing) }
            if (index / assets) % 500 == 250 { findings.append(passing) }
            var evaluation = Evaluation(
                site: site, asset: asset, kind: .vrlaString, seq: UInt64(index / assets + 1),
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(index / assets) * 1000),
                health: .init(
                    score: findings.isEmpty ? 100 : 80, primaryConcern: findings.first?.code.rawValue, breakdown: []),
                findings: findings)
            evaluation.derived = ["float_target_v": 324, "jar_sum_v": 324.02, "jar_voltage_deviation_max_v": -0.06]
            return (topics.evaluation(asset), PayloadCodec.encode(evaluation))
        }
    }

    /// Evaluations per second on one core, in-process, and decoding alone as the reference (the
    /// alerter's own decoder, which reads only findings and derived values).
    static func bookRate(_ payloads: [(topic: String, payload: [UInt8])]) throws -> (
        perSecond: Double, decodeOnly: Double
    ) {
        var book = AlarmBook(site: try TopicLevel("bench"), eventPrefix: "bench")
        var transitions = 0
        var started = Date()
        var second: Int64 = 0
        for (index, item) in payloads.enumerated() {
            let evaluation = try EvaluationFindings.decode(item.payload)
            if index % 81 == 0 { second += 1 }
            let now = Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + second * 1000)
            transitions += book.apply(evaluation, now: now).count
            if index % 81 == 80 { transitions += book.tick(now: now).count }
        }
        let applied = Date().timeIntervalSince(started)
        precondition(transitions > 0)
        started = Date()
        var findings = 0
        for item in payloads { findings += try EvaluationFindings.decode(item.payload).findings.count }
        let decoded = Date().timeIntervalSince(started)
        precondition(findings > 0)
        return (Double(payloads.count) / applied, Double(payloads.count) / decoded)
    }

    /// The alerter binary over the broker at QoS 1: CPU time per evaluation, resident memory.
    static func processCost(
        _ payloads: [(topic: String, payload: [UInt8])], binDirectory: String, work: String
    ) async throws -> (cpuPerEvaluation: Double, residentKB: Int) {
        let cost = try await EvaluatorBench.agentCost(
            "alerter", counter: "evaluations", payloads, binDirectory: binDirectory, work: work)
        return (cost.cpuPerReading, cost.residentKB)
    }
}
