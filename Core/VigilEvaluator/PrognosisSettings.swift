import VigilPrognostics
import VigilRuntime

/// `evaluator.rul`: the learned RUL model and where it applies.
public struct PrognosisSettings: Sendable, Equatable {
    /// Loaded from `evaluator.rul.model` at start and on a configuration change.
    var model: RULModel?
    public var kinds: Set<String> = ["turbofan"]
    /// The horizon of `risk`, in the prediction's unit.
    public var horizon = 30.0
    /// Chillers: the condenser approach at full load at which tubes must be cleaned.
    public var chillerApproachLimit = 5.0
    /// Chillers: the condenser water rise at full load (datasheet; AHRI rating 10 °F = 5.56 K).
    public var chillerDesignRise = 5.56

    public init() {}

    init(config node: ConfigNode) throws(ConfigError) {
        try node.requireOnly(["model", "kinds", "horizon", "chiller_approach_limit_k", "chiller_design_rise_k"])
        if let path = try node.optionalString("model") {
            do {
                model = try RULFiles.model(path)
            } catch {
                throw ConfigError(key: node.key("model"), reason: "\(error)")
            }
        }
        let kinds = try node.list("kinds")
        if !kinds.isEmpty {
            self.kinds = Set(
                try kinds.map { item throws(ConfigError) in
                    guard let text = item.node.stringValue else {
                        throw ConfigError(key: item.path, reason: "expected an asset kind")
                    }
                    return text
                })
        }
        horizon = try node.double("horizon", default: 30, in: 1...100_000)
        chillerApproachLimit = try node.double("chiller_approach_limit_k", default: 5, in: 0.5...30)
        chillerDesignRise = try node.double("chiller_design_rise_k", default: 5.56, in: 0.5...30)
    }
}
