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
            let statuses = client.messages
            try await client.subscribe(site.topics.status(id))
            try await client.publish(MQTTMessage(topic: site.topics.config(id), payload: payload, retain: true))
            let deadline = ContinuousClock.now + .seconds(10)
            let outcome = await withTaskGroup(of: AgentStatus?.self) { group in
                group.addTask {
                    for await message in statuses {
                        guard let status = try? PayloadCodec.decode(AgentStatus.self, from: message.payload) else {
                            continue
                        }
                        if status.configRevision == revision || (status.configError?.contains("\(revision)") ?? false)
                            || (status.configError != nil && !message.retain)
                        {
                            return status
                        }
                    }
                    return nil
                }
                group.addTask {
                    try? await Task.sleep(until: deadline)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let outcome else {
                Console.error(
                    "published revision \(revision); \(agent) has not reported it within 10 s (is it running?)")
                throw ExitCode(69)
            }
            if let error = outcome.configError, outcome.configRevision != revision {
                Console.error("\(agent) refused revision \(revision): \(error)")
                throw ExitCode(1)
            }
            Console.print("\(agent) applied revision \(revision)")
        }
    }
}
