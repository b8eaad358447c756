/// Every topic Vigil uses, built and parsed in one place so no agent invents a spelling.
///
/// All topics live under `vigil/<site>/`; the README's topic table is generated from the same
/// shapes, and the broker ACL grants exactly these.
public struct Topics: Sendable, Equatable {
    public let site: TopicLevel
    public let root: String

    public init(site: TopicLevel) {
        self.site = site
        root = "vigil/\(site.rawValue)"
    }

    public func telemetry(_ asset: TopicLevel) -> String { "\(root)/telemetry/\(asset)" }
    public func evaluation(_ asset: TopicLevel) -> String { "\(root)/evaluation/\(asset)" }
    public func rejected(_ asset: TopicLevel) -> String { "\(root)/rejected/\(asset)" }
    public func alert(_ asset: TopicLevel, _ code: TopicLevel) -> String { "\(root)/alert/\(asset)/\(code)" }
    public var alertEvents: String { "\(root)/alert-events" }
    public func device(_ device: TopicLevel) -> String { "\(root)/device/\(device)" }
    public func ack(_ collector: TopicLevel) -> String { "\(root)/ack/\(collector)" }
    public func config(_ agent: TopicLevel) -> String { "\(root)/config/\(agent)" }
    public func status(_ agent: TopicLevel) -> String { "\(root)/status/\(agent)" }
    /// The simulator's ground truth for one asset (scenario, true SOH, true time to failure).
    public func simulation(_ asset: TopicLevel) -> String { "\(root)/simulation/\(asset)" }
    /// Faults injected into the simulated site while it runs.
    public var simulatorCommand: String { "\(root)/command/simulator" }
    /// An operator's action on one alarm.
    public func alertCommand(_ asset: TopicLevel, _ code: TopicLevel, _ action: AlertAction) -> String {
        "\(root)/command/alert/\(asset)/\(code)/\(action.rawValue)"
    }
    /// The alerter's answer to one alarm command: done, or refused with the reason.
    public func alertReply(_ asset: TopicLevel, _ code: TopicLevel, _ action: AlertAction) -> String {
        "\(root)/reply/alert/\(asset)/\(code)/\(action.rawValue)"
    }
    public var allAlertCommands: String { "\(root)/command/alert/+/+/+" }
    public var allAlertReplies: String { "\(root)/reply/alert/+/+/+" }
    public var allSimulation: String { "\(root)/simulation/+" }
    public var allAcks: String { "\(root)/ack/+" }

    public var allTelemetry: String { "\(root)/telemetry/+" }
    public var allEvaluations: String { "\(root)/evaluation/+" }
    public var allRejected: String { "\(root)/rejected/+" }
    public var allAlerts: String { "\(root)/alert/+/+" }
    public var allDevices: String { "\(root)/device/+" }
    public var allStatus: String { "\(root)/status/+" }

    /// What a received topic is about; nil for anything outside this site's tree.
    public enum Parsed: Sendable, Equatable {
        case telemetry(TopicLevel)
        case evaluation(TopicLevel)
        case rejected(TopicLevel)
        case alert(TopicLevel, TopicLevel)
        case alertEvents
        case device(TopicLevel)
        case ack(TopicLevel)
        case config(TopicLevel)
        case status(TopicLevel)
        case simulation(TopicLevel)
        case simulatorCommand
        /// A command under `command/alert/` whose action is not one of `ack`, `shelve`, `unshelve`
        /// still parses, with a nil action, so it can be refused with a reason.
        case alertCommand(TopicLevel, TopicLevel, AlertAction?)
        case alertReply(TopicLevel, TopicLevel, AlertAction?)
    }

    public enum AlertAction: String, Sendable, Equatable, CaseIterable {
        case ack, shelve, unshelve
    }

    public func parse(_ topic: String) -> Parsed? {
        guard topic.hasPrefix(root + "/") else { return nil }
        let levels = topic.dropFirst(root.count + 1).split(separator: "/", omittingEmptySubsequences: false)
        func level(_ index: Int) -> TopicLevel? { try? TopicLevel(String(levels[index])) }
        switch (levels.first, levels.count) {
        case ("telemetry", 2): return level(1).map(Parsed.telemetry)
        case ("evaluation", 2): return level(1).map(Parsed.evaluation)
        case ("rejected", 2): return level(1).map(Parsed.rejected)
        case ("alert", 3):
            guard let asset = level(1), let code = level(2) else { return nil }
            return .alert(asset, code)
        case ("alert-events", 1): return .alertEvents
        case ("device", 2): return level(1).map(Parsed.device)
        case ("ack", 2): return level(1).map(Parsed.ack)
        case ("config", 2): return level(1).map(Parsed.config)
        case ("status", 2): return level(1).map(Parsed.status)
        case ("simulation", 2): return level(1).map(Parsed.simulation)
        case ("command", 2) where levels[1] == "simulator": return .simulatorCommand
        case ("command", 5) where levels[1] == "alert", ("reply", 5) where levels[1] == "alert":
            guard let asset = level(2), let code = level(3) else { return nil }
            let action = AlertAction(rawValue: String(levels[4]))
            return levels[0] == "command" ? .alertCommand(asset, code, action) : .alertReply(asset, code, action)
        default: return nil
        }
    }
}
