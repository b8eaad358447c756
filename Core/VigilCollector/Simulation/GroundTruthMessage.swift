import VigilDomain
import VigilSimulator

/// The simulator's ground truth for one asset, retained on `simulation/<asset>`, so the accuracy
/// of the evaluator's findings, SOH and RUL can be measured against what really happened.
struct GroundTruthMessage: Sendable, Codable {
    var v = 1
    var site: TopicLevel
    var asset: TopicLevel
    /// The simulated time of the truth: the same clock as the readings' `ts`.
    var ts: Timestamp
    var elapsedS: Double
    var scenarios: [String]
    var profile: String?
    var soh: Double?
    var jarSoh: [Double]?
    var soc: Double?
    var onBattery: Bool?
    var timeToFailureS: Double?
    var failureCriterion: String?

    init(_ truth: GroundTruth, site: TopicLevel, ts: Timestamp) {
        self.site = site
        asset = truth.asset
        self.ts = ts
        elapsedS = (truth.elapsed * 1000).rounded() / 1000
        scenarios = truth.scenarios
        profile = truth.profile?.rawValue
        soh = truth.stateOfHealth.map { ($0 * 10_000).rounded() / 10_000 }
        jarSoh = truth.jarStateOfHealth.isEmpty ? nil : truth.jarStateOfHealth.map { ($0 * 10_000).rounded() / 10_000 }
        soc = truth.stateOfCharge.map { ($0 * 10_000).rounded() / 10_000 }
        onBattery = truth.stateOfHealth == nil ? nil : truth.onBattery
        timeToFailureS = truth.timeToFailure.flatMap { $0.isFinite ? $0.rounded() : nil }
        failureCriterion = truth.failureCriterion
    }

    enum CodingKeys: String, CodingKey {
        case v, site, asset, ts, scenarios, profile, soh, soc
        case elapsedS = "elapsed_s"
        case jarSoh = "jar_soh"
        case onBattery = "on_battery"
        case timeToFailureS = "time_to_failure_s"
        case failureCriterion = "failure_criterion"
    }
}
