public import ArgumentParser
import VigilDomain
import VigilMQTT

#if canImport(Glibc)
    import Glibc
#endif

/// `vigil watch`: a live, readable view of a site for the person at the terminal.
public struct WatchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Show alarms as they happen and a periodic summary of the site.")

    @Option(help: "Site identifier.") var site = "demo"
    @Option(help: "Broker host.") var brokerHost = "127.0.0.1"
    @Option(help: "Broker port.") var brokerPort = 1883
    @Option(help: "Seconds between summary lines.") var interval = 10

    public init() {}

    public func validate() throws {
        guard interval >= 1 else { throw ValidationError("--interval must be at least 1 second") }
        guard (1...65535).contains(brokerPort) else { throw ValidationError("--broker-port must be 1-65535") }
    }

    public func run() async throws {
        let siteLevel: TopicLevel
        do {
            siteLevel = try TopicLevel(site, field: "--site")
        } catch {
            throw ValidationError("\(error)")
        }
        var configuration = MQTTConfiguration(clientID: "vigil-watch-\(getpid())")
        configuration.host = brokerHost
        configuration.port = brokerPort
        let client = try MQTTClient(configuration: configuration)
        try await client.connect()
        var watch = SiteWatch(site: siteLevel)
        try await client.subscribe("\(watch.topics.root)/#")
        Console.print("watching \(watch.topics.root)/# on \(brokerHost):\(brokerPort); Ctrl-C to stop")
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
