public import VigilDomain

/// Decides which evaluations are worth publishing: a 2,000-jar site at 1 Hz would otherwise put
/// 2,000 retained messages a second on the broker that say nothing new. An evaluation goes out
/// when what an operator sees changes (findings, their severity or jar, the whole-point health
/// score, the primary concern), at least every `heartbeat`, and after the broker connection was
/// lost (a broker restarted without persistence has forgotten the retained ones). Pure.
public struct EvaluationGate: Sendable {
    struct Signature: Equatable, Sendable {
        var score: Int
        var concern: String?
        var findings: [String]
    }

    private var last: [TopicLevel: (signature: Signature, at: Int64)] = [:]
    private var disconnections: UInt64 = 0

    public init() {}

    /// - Parameters:
    ///   - now: milliseconds; `heartbeat`: milliseconds, 0 to publish every evaluation.
    ///   - disconnections: the connection's loss count; a new loss republishes everything once.
    public mutating func admit(_ evaluation: Evaluation, now: Int64, heartbeat: Int64, disconnections: UInt64) -> Bool {
        if disconnections != self.disconnections {
            self.disconnections = disconnections
            last.removeAll(keepingCapacity: true)
        }
        let signature = Signature(
            score: Int(evaluation.health.score.rounded()), concern: evaluation.health.primaryConcern,
            findings: evaluation.findings.map { "\($0.code)/\($0.severity.rawValue)/\($0.jar ?? 0)" }.sorted())
        if heartbeat > 0, let previous = last[evaluation.asset], previous.signature == signature,
            now - previous.at < heartbeat
        {
            return false
        }
        last[evaluation.asset] = (signature, now)
        return true
    }
}
