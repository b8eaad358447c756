public import ArgumentParser
import VigilDomain

/// `vigil status`: every agent's state, configuration revision and counters, from their retained
/// status. Exit 0 when every agent seen is online, 1 when one is offline or none was seen.
public struct StatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show every agent's state, configuration revision and counters.")

    @OptionGroup var site: SiteOptions
    @Flag(help: "Every counter, not only the main ones.") var all = false

    public init() {}

    public func run() async throws {
        let client = try await site.connect("status")
        defer { Task { await client.disconnect() } }
        let statuses = try await site.retained(client, "\(site.topics.root)/status/+")
            .compactMap { try? PayloadCodec.decode(AgentStatus.self, from: $0.payload) }
            .sorted { $0.agent < $1.agent }
        guard !statuses.isEmpty else {
            Console.error("no agent has published a status on site \(site.site)")
            throw ExitCode(1)
        }
        for line in Self.lines(statuses, all: all) { Console.print(line) }
        if statuses.contains(where: { $0.state != .online }) { throw ExitCode(1) }
    }

    static let main = ["received", "rejected", "published", "publish_failed", "publish_refused"]

    static func lines(_ statuses: [AgentStatus], all: Bool) -> [String] {
        statuses.map { status in
            let revision = status.configRevision.map { "config r\($0)" } ?? "config from file"
            let error = status.configError.map { " (refused: \($0))" } ?? ""
            let counters = status.counters.keys.sorted().filter { all || main.contains($0) }
                .map { "\($0)=\(status.counters[$0]!)" }.joined(separator: " ")
            return "\(status.agent)  \(status.state.rawValue)  v\(status.version) pid \(status.pid)  "
                + "since \(status.started.rfc3339)  \(revision)\(error)  \(counters)"
        }
    }
}
