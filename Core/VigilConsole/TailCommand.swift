public import ArgumentParser
import VigilMQTT

#if canImport(Glibc)
    import Glibc
#endif

/// `vigil tail [filter]`: every message under a topic filter, one readable line each, as it arrives.
public struct TailCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Print messages as they arrive (default: the whole site).")

    @OptionGroup var site: SiteOptions
    @Argument(help: "A topic filter under the site, e.g. 'alert/#' or 'telemetry/pump-1'.") var filter = "#"
    @Option(help: "Stop after this many messages.") var count: Int?
    @Option(help: "Characters of payload shown per line (0: all).") var width = 240

    public init() {}

    public func validate() throws {
        guard !filter.hasPrefix("/"), !filter.contains("//") else { throw ValidationError("a filter like 'alert/#'") }
        if let count { guard count > 0 else { throw ValidationError("--count must be positive") } }
    }

    public func run() async throws {
        let client = try await site.connect("tail")
        defer { Task { await client.disconnect() } }
        let messages = client.messages
        let full = "\(site.topics.root)/\(filter)"
        try await client.subscribe(full)
        var seen = 0
        for await message in messages {
            let text = String(decoding: message.payload, as: UTF8.self)
            let shown = width > 0 && text.count > width ? String(text.prefix(width)) + "…" : text
            let topic = message.topic.dropFirst(site.topics.root.count + 1)
            Console.print(
                "\(message.retain ? "(retained) " : "")\(topic)  \(message.payload.isEmpty ? "(empty)" : shown)")
            seen += 1
            if let count, seen >= count { return }
        }
    }
}
