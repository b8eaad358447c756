public import ArgumentParser
import VigilAlerter
import VigilCollector
import VigilDomain
import VigilEvaluator
import VigilMQTT
import VigilRecorder
import VigilRuntime

/// `vigil config get|set <agent>`: the retained remote configuration of an agent. A document is
/// validated here exactly as the agent will validate it, so a bad one never reaches the gateway.
public struct ConfigCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Read or publish an agent's remote configuration.",
        subcommands: [Get.self, Set.self, Diff.self])

    public init() {}

    static let agents = ["collector", "evaluator", "alerter", "recorder"]

    /// The agent's role from its id (`evaluator-2` is an evaluator).
    static func validate(_ agent: String, _ payload: [UInt8]) throws(ConfigError) -> Int {
        let role = agents.first { agent == $0 || agent.hasPrefix($0 + "-") }
        switch role {
        case "collector": return try CollectorAgent.validateRemoteConfiguration(payload)
        case "evaluator": return try EvaluatorAgent.validateRemoteConfiguration(payload)
        case "alerter": return try AlerterAgent.validateRemoteConfiguration(payload)
        case "recorder": return try RecorderAgent.validateRemoteConfiguration(payload)
        default: throw ConfigError(key: "agent", reason: "\(agent) is not one of \(agents.joined(separator: ", "))")
        }
    }

    /// `vigil config get <agent>`: prints the retained document; exit 1 when there is none.
    public struct Get: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "get", abstract: "Print an agent's retained configuration document.")
        @OptionGroup var site: SiteOptions
        @Argument(help: "The agent id, e.g. evaluator.") var agent: String
        public init() {}

        public func run() async throws {
            guard let id = try? TopicLevel(agent) else { throw ValidationError("agent must be a topic level") }
            let client = try await site.connect("config-get")
            defer { Task { await client.disconnect() } }
            let retained = try await site.retained(client, site.topics.config(id))
            guard let document = retained.last, !document.payload.isEmpty else {
                Console.error("no remote configuration is retained for \(agent): it runs on its file")
                throw ExitCode(1)
            }
            Console.print(String(decoding: document.payload, as: UTF8.self))
        }
    }

    /// `vigil config set <agent> <file.json>`: validates and publishes retained. Exit 0 when the
    /// agent reports the revision applied, 65 when the document is invalid (nothing published),
    /// 1 when the agent refused it, 69 when it did not answer within 10 s.
    public struct Set: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Validate a JSON document with a revision and publish it retained.")
        @OptionGroup var site: SiteOptions
        @Argument(help: "The agent id, e.g. evaluator.") var agent: String
        @Argument(help: "The JSON document: the agent's section plus \"revision\".") var file: String
        public init() {}

        public func run() async throws {
            guard let id = try? TopicLevel(agent) else { throw ValidationError("agent must be a topic level") }
            let payload: [UInt8]
            do {
                payload = try FileSystem.read(file)
            } catch {
                Console.error("\(error)")
                throw ExitCode(66)
            }
            let revision: Int
            do {
                revision = try ConfigCommand.validate(agent, payload)
            } catch {
                Console.error("\(file): \(error.description); nothing published")
                throw ExitCode(65)
            }
            let client = try await site.connect("config-set")
            defer { Task { await client.disconnect() } }
            // One reader for the client's one message stream: first the retained status (the
            // error the agent reports now, if any, says nothing about the new revision), then the
            // agent's answer.
            let feed = TickedMessages(client.messages, every: .milliseconds(500))
            defer { feed.cancel() }
            try await client.subscribe(site.topics.status(id))
            try await client.subscribe(site.topics.config(id))
            var before: String?
            var applied: Int?
            var previous: [UInt8] = []
            var published = false
            var outcome: AgentStatus?
            let deadline = ContinuousClock.now + .seconds(10)
            for await item in feed.items {
                if ContinuousClock.now > deadline { break }
                guard let message = item else {
                    // Quiet: the retained status (if any) has been seen; time to publish.
                    if !published, let applied, revision <= applied {
                        // The agent would refuse it, and a status already showing the revision
                        // could not tell applied from refused.
                        Console.error("\(file): revision \(revision) is not above the applied \(applied): raise it")
                        throw ExitCode(65)
                    }
                    if !published {
                        try await client.publish(
                            MQTTMessage(topic: site.topics.config(id), payload: payload, retain: true))
                        published = true
                    }
                    continue
                }
                if message.topic == site.topics.config(id) {
                    if !published { previous = message.payload }
                    continue
                }
                guard let status = try? PayloadCodec.decode(AgentStatus.self, from: message.payload) else { continue }
                if !published {
                    before = status.configError
                    applied = status.configRevision
                    continue
                }
                if status.configRevision == revision || (status.configError != nil && status.configError != before) {
                    outcome = status
                    break
                }
            }
            guard let outcome else {
                Console.error(
                    "published revision \(revision); \(agent) has not reported it within 10 s (is it running?)")
                throw ExitCode(69)
            }
            if let error = outcome.configError, outcome.configRevision != revision {
                // A refused document must not stay retained for the next restart to trip on.
                try await client.publish(MQTTMessage(topic: site.topics.config(id), payload: previous, retain: true))
                Console.error(
                    "\(agent) refused revision \(revision): \(error); the previous document is retained again")
                throw ExitCode(1)
            }
            Console.print("\(agent) applied revision \(revision)")
        }
    }
}
