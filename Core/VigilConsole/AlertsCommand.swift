public import ArgumentParser
import VigilDomain
import VigilMQTT

/// `vigil alerts`: the site's alarms from their retained state, and the operator's actions on them.
public struct AlertsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List alarms; acknowledge, shelve or unshelve one.",
        subcommands: [List.self, Act.Ack.self, Act.Shelve.self, Act.Unshelve.self], defaultSubcommand: List.self)

    public init() {}

    /// `vigil alerts [list] [--active]`. Exit 0, with or without alarms.
    public struct List: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(commandName: "list", abstract: "List the alarms.")

        @OptionGroup var site: SiteOptions
        @Flag(help: "Only alarms whose condition is present now (not cleared, shelved or suppressed).")
        var active = false
        @Flag(help: "One JSON object a line, as retained.") var json = false

        public init() {}

        public func run() async throws {
            let client = try await site.connect("alerts")
            defer { Task { await client.disconnect() } }
            let alerts = try await site.retained(client, site.topics.allAlerts)
                .compactMap { try? PayloadCodec.decode(Alert.self, from: $0.payload) }
                .filter { !active || $0.state == .activeUnacked || $0.state == .activeAcked }
                .sorted { ($0.tier, $0.firstRaised) > ($1.tier, $1.firstRaised) }
            for alert in alerts {
                Console.print(json ? String(decoding: PayloadCodec.encode(alert), as: UTF8.self) : Self.line(alert))
            }
            if !json { Console.print("\(alerts.count) alarm\(alerts.count == 1 ? "" : "s")") }
        }

        static func line(_ alert: Alert) -> String {
            let who = alert.acknowledgedBy.map { " acked by \($0)" } ?? ""
            let until = alert.shelvedUntil.map { " until \($0.rfc3339)" } ?? ""
            return "\(alert.tier.rawValue)  \(alert.state.rawValue)\(who)\(until)  \(alert.asset)/\(alert.code)  "
                + "since \(alert.firstRaised.rfc3339)  \(alert.message)"
        }
    }

    /// One command and its answer. Exit 0 when done, 1 when refused (the reason on stderr), 69 when
    /// the broker or the alerter does not answer.
    public enum Act {
        struct Arguments: ParsableArguments {
            @OptionGroup var site: SiteOptions
            @Argument(help: "The alarm's asset.") var asset: String
            @Argument(help: "The alarm's code.") var code: String
            @Option(help: "Who acts (recorded with the alarm).") var user: String
            @Option(help: "Why.") var comment: String?

            func validate() throws {
                guard (try? TopicLevel(asset)) != nil, (try? TopicLevel(code)) != nil else {
                    throw ValidationError("asset and code must be topic levels of [A-Za-z0-9_.-]")
                }
            }
        }

        static func send(_ arguments: Arguments, _ action: Topics.AlertAction, duration: Double? = nil) async throws {
            let site = arguments.site
            let asset = try TopicLevel(arguments.asset)
            let code = try TopicLevel(arguments.code)
            let client = try await site.connect("alert-\(action.rawValue)")
            defer { Task { await client.disconnect() } }
            let replies = client.messages
            let reply = site.topics.alertReply(asset, code, action)
            try await client.subscribe(reply)
            let request = "vigil-\(Timestamp.now().millisecondsSinceEpoch)"
            let body = AlertCommand(
                user: arguments.user, comment: arguments.comment, durationS: duration, requestID: request)
            try await client.publish(
                MQTTMessage(topic: site.topics.alertCommand(asset, code, action), payload: PayloadCodec.encode(body)))
            let answer = await withTaskGroup(of: AlertCommandReply?.self) { group in
                group.addTask {
                    for await message in replies where message.topic == reply {
                        if let answer = try? PayloadCodec.decode(AlertCommandReply.self, from: message.payload),
                            answer.requestID == request
                        {
                            return answer
                        }
                    }
                    return nil
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(5))
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let answer else {
                Console.error("no answer from the alerter within 5 s (is it running?)")
                throw ExitCode(69)
            }
            guard answer.ok else {
                Console.error("\(action.rawValue) \(asset)/\(code) refused: \(answer.reason ?? "no reason given")")
                throw ExitCode(1)
            }
            Console.print(answer.alert.map(List.line) ?? "\(action.rawValue) \(asset)/\(code): done")
        }

        public struct Ack: AsyncParsableCommand {
            public static let configuration = CommandConfiguration(
                commandName: "ack", abstract: "Acknowledge an alarm.")
            @OptionGroup var arguments: Arguments
            public init() {}
            public func run() async throws { try await send(arguments, .ack) }
        }

        public struct Shelve: AsyncParsableCommand {
            public static let configuration = CommandConfiguration(
                commandName: "shelve", abstract: "Hide an alarm for a while; it comes back by itself.")
            @OptionGroup var arguments: Arguments
            @Option(help: "How long, seconds.") var duration = 3600.0
            public init() {}
            public func validate() throws {
                guard duration > 0, duration.isFinite else { throw ValidationError("--duration must be positive") }
            }
            public func run() async throws { try await send(arguments, .shelve, duration: duration) }
        }

        public struct Unshelve: AsyncParsableCommand {
            public static let configuration = CommandConfiguration(
                commandName: "unshelve", abstract: "Show a shelved alarm again.")
            @OptionGroup var arguments: Arguments
            public init() {}
            public func run() async throws { try await send(arguments, .unshelve) }
        }
    }
}
