public import ArgumentParser
import VigilDomain
import VigilRuntime
import VigilYAML

extension ConfigCommand {
    /// `vigil config diff <agent> <file.json>`: what publishing the file would change, key by key.
    /// Exit 0 when they are the same, 1 when they differ (as diff(1)), 65 when the file is invalid.
    public struct Diff: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "diff", abstract: "Show what a document would change against the retained one.")
        @OptionGroup var site: SiteOptions
        @Argument(help: "The agent id, e.g. evaluator.") var agent: String
        @Argument(help: "The JSON document.") var file: String
        public init() {}

        public func run() async throws {
            guard let id = try? TopicLevel(agent) else { throw ValidationError("agent must be a topic level") }
            let proposed: YAMLNode
            do {
                let payload = try FileSystem.read(file)
                _ = try ConfigCommand.validate(agent, payload)
                proposed = try ConfigDocument.parseJSON(payload, maximumBytes: 65_536)
            } catch {
                Console.error("\(file): \(error)")
                throw ExitCode(65)
            }
            let client = try await site.connect("config-diff")
            defer { Task { await client.disconnect() } }
            let retained = try await site.retained(client, site.topics.config(id)).last?.payload ?? []
            let current =
                retained.isEmpty
                ? YAMLNode.mapping([]) : (try? ConfigDocument.parseJSON(retained, maximumBytes: 65_536)) ?? .mapping([])
            let lines = Self.differences(Self.flatten(current), Self.flatten(proposed))
            for line in lines { Console.print(line) }
            if !lines.isEmpty { throw ExitCode(1) }
        }

        /// `limits.pump.vibration_mm_s.warn_high = 4` lines, one per leaf.
        static func flatten(_ node: YAMLNode, _ path: String = "") -> [String: String] {
            switch node {
            case .mapping(let entries):
                var result: [String: String] = [:]
                for (key, value) in entries {
                    result.merge(flatten(value, path.isEmpty ? key : "\(path).\(key)")) { $1 }
                }
                return result
            case .sequence(let items):
                var result: [String: String] = [:]
                for (index, item) in items.enumerated() { result.merge(flatten(item, "\(path)[\(index)]")) { $1 } }
                return items.isEmpty ? [path: "[]"] : result
            case .scalar(let text, _):
                return [path: text]
            case .null:
                return [path: "null"]
            }
        }

        static func differences(_ current: [String: String], _ proposed: [String: String]) -> [String] {
            Swift.Set(current.keys).union(proposed.keys).sorted().compactMap { key in
                switch (current[key], proposed[key]) {
                case (let old?, let new?) where old != new: "~ \(key): \(old) → \(new)"
                case (nil, let new?): "+ \(key): \(new)"
                case (let old?, nil): "- \(key): \(old)"
                default: nil
                }
            }
        }
    }
}
