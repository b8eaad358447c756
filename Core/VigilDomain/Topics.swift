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

    /// Read on the topic's bytes: every agent parses the topic of every message it receives, and
    /// splitting it into substrings and comparing them as strings cost as much as decoding a
    /// small reading.
    public func parse(_ topic: String) -> Parsed? {
        var topic = topic
        var root = root
        return topic.withUTF8 { bytes in root.withUTF8 { root in Self.parse(bytes, root: root) } }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, root: UnsafeBufferPointer<UInt8>) -> Parsed? {
        guard bytes.count > root.count, bytes[root.count] == UInt8(ascii: "/"),
            Bytes.equal(UnsafeBufferPointer(rebasing: bytes[..<root.count]), root)
        else { return nil }
        // The levels below the root, as ranges of `bytes`; more than five is no Vigil topic.
        var levels: [Range<Int>] = []
        levels.reserveCapacity(5)
        var start = root.count + 1
        for index in start...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "/") {
            guard levels.count < 5 else { return nil }
            levels.append(start..<index)
            start = index + 1
        }
        func `is`(_ index: Int, _ name: StaticString) -> Bool {
            Bytes.equal(UnsafeBufferPointer(rebasing: bytes[levels[index]]), name)
        }
        func level(_ index: Int) -> TopicLevel? { TopicLevel(bytes: bytes[levels[index]]) }
        switch levels.count {
        case 1 where `is`(0, "alert-events"): return .alertEvents
        case 2:
            if `is`(0, "telemetry") { return level(1).map(Parsed.telemetry) }
            if `is`(0, "evaluation") { return level(1).map(Parsed.evaluation) }
            if `is`(0, "rejected") { return level(1).map(Parsed.rejected) }
            if `is`(0, "device") { return level(1).map(Parsed.device) }
            if `is`(0, "ack") { return level(1).map(Parsed.ack) }
            if `is`(0, "config") { return level(1).map(Parsed.config) }
            if `is`(0, "status") { return level(1).map(Parsed.status) }
            if `is`(0, "simulation") { return level(1).map(Parsed.simulation) }
            if `is`(0, "command"), `is`(1, "simulator") { return .simulatorCommand }
            return nil
        case 3 where `is`(0, "alert"):
            guard let asset = level(1), let code = level(2) else { return nil }
            return .alert(asset, code)
        case 5 where (`is`(0, "command") || `is`(0, "reply")) && `is`(1, "alert"):
            guard let asset = level(2), let code = level(3) else { return nil }
            let action = AlertAction(rawValue: String(decoding: bytes[levels[4]], as: UTF8.self))
            return `is`(0, "command") ? .alertCommand(asset, code, action) : .alertReply(asset, code, action)
        default: return nil
        }
    }
}
