public import ArgumentParser
import VigilDomain
import VigilMQTT

/// `vigil watch`: a live, readable view of a site for the person at the terminal.
public struct WatchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Show alarms as they happen and a periodic summary of the site.")

    @OptionGroup var site: SiteOptions
    @Option(help: "Seconds between summary lines.") var interval = 10

    public init() {}

    public func validate() throws {
        guard interval >= 1 else { throw ValidationError("--interval must be at least 1 second") }
    }

    public func run() async throws {
        let client = try await site.connect("watch")
        defer { Task { await client.disconnect() } }
        var watch = SiteWatch(site: site.topics.site)
        try await client.subscribe("\(watch.topics.root)/#")
        Console.print("watching \(watch.topics.root)/# on \(site.brokerHost):\(site.brokerPort); Ctrl-C to stop")
        _ = watch.summary(now: .now())
        // One loop over messages and ticks keeps `watch` single-owner and free of locks.
        let feed = TickedMessages(client.messages, every: .seconds(interval))
        defer { feed.cancel() }
        for await event in feed.items {
            if let event {
                for line in watch.ingest(topic: event.topic, payload: event.payload) { Console.print(line) }
            } else {
                Console.print(watch.summary(now: .now()))
            }
        }
    }

}
