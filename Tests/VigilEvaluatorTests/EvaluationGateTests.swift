import Testing
import VigilDomain

@testable import VigilEvaluator

/// `#expect` cannot call a mutating method; the box lets it.
final class Gate {
    var gate = EvaluationGate()
    func admit(_ evaluation: Evaluation, now: Int64, heartbeat: Int64, disconnections: UInt64) -> Bool {
        gate.admit(evaluation, now: now, heartbeat: heartbeat, disconnections: disconnections)
    }
}

@Suite struct EvaluationGateTests {
    func evaluation(
        _ asset: String = "str-1", score: Double = 100, findings: [(String, Severity, Int?)] = []
    ) throws -> Evaluation {
        Evaluation(
            site: try TopicLevel("demo"), asset: try TopicLevel(asset), kind: .vrlaString, seq: 1,
            ts: Timestamp(millisecondsSinceEpoch: 0),
            health: .init(score: score, primaryConcern: findings.first?.0, breakdown: []),
            findings: try findings.map { code, severity, jar in
                Finding(
                    code: try TopicLevel(code), severity: severity, metric: "m", jar: jar, value: 1, limit: 1,
                    message: "", recommendation: "")
            })
    }

    @Test func anUnchangedEvaluationWaitsForTheHeartbeat() throws {
        let gate = Gate()
        let healthy = try evaluation()
        #expect(gate.admit(healthy, now: 0, heartbeat: 60_000, disconnections: 0))
        #expect(!gate.admit(healthy, now: 1_000, heartbeat: 60_000, disconnections: 0))
        #expect(!gate.admit(try evaluation(score: 99.6), now: 59_999, heartbeat: 60_000, disconnections: 0))
        #expect(gate.admit(healthy, now: 60_000, heartbeat: 60_000, disconnections: 0))
        #expect(!gate.admit(healthy, now: 60_001, heartbeat: 60_000, disconnections: 0))
    }

    @Test func whatAnOperatorSeesChangingIsPublishedAtOnce() throws {
        let gate = Gate()
        #expect(gate.admit(try evaluation(), now: 0, heartbeat: 60_000, disconnections: 0))
        let warning = try evaluation(score: 80, findings: [("jar_voltage_deviation", .warning, 7)])
        #expect(gate.admit(warning, now: 1, heartbeat: 60_000, disconnections: 0))
        #expect(!gate.admit(warning, now: 2, heartbeat: 60_000, disconnections: 0))
        let critical = try evaluation(score: 80, findings: [("jar_voltage_deviation", .critical, 7)])
        #expect(gate.admit(critical, now: 3, heartbeat: 60_000, disconnections: 0))
        let otherJar = try evaluation(score: 80, findings: [("jar_voltage_deviation", .critical, 8)])
        #expect(gate.admit(otherJar, now: 4, heartbeat: 60_000, disconnections: 0))
        #expect(
            gate.admit(
                try evaluation(score: 79, findings: [("jar_voltage_deviation", .critical, 8)]), now: 5,
                heartbeat: 60_000, disconnections: 0))
        // Cleared: back to healthy is a change too.
        #expect(gate.admit(try evaluation(), now: 6, heartbeat: 60_000, disconnections: 0))
    }

    @Test func assetsAreGatedApartAndALostConnectionRepublishesAll() throws {
        let gate = Gate()
        #expect(gate.admit(try evaluation("a"), now: 0, heartbeat: 60_000, disconnections: 0))
        #expect(gate.admit(try evaluation("b"), now: 0, heartbeat: 60_000, disconnections: 0))
        #expect(!gate.admit(try evaluation("a"), now: 10, heartbeat: 60_000, disconnections: 0))
        #expect(gate.admit(try evaluation("a"), now: 20, heartbeat: 60_000, disconnections: 1))
        #expect(gate.admit(try evaluation("b"), now: 20, heartbeat: 60_000, disconnections: 1))
        #expect(!gate.admit(try evaluation("b"), now: 30, heartbeat: 60_000, disconnections: 1))
    }

    @Test func aZeroHeartbeatPublishesEveryEvaluation() throws {
        let gate = Gate()
        for now in 0..<5 { #expect(gate.admit(try evaluation(), now: Int64(now), heartbeat: 0, disconnections: 0)) }
    }
}
