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
        emit("watching \(watch.topics.root)/# on \(brokerHost):\(brokerPort); Ctrl-C to stop")
        let (ticks, tick) = AsyncStream.makeStream(of: Void.self)
        let ticker = Task { [interval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                tick.yield()
            }
        }
        defer { ticker.cancel() }
        _ = watch.summary(now: .now())
        // One loop over two sources keeps `watch` single-owner and free of locks.
        await withTaskGroup(of: Void.self) { group in
            let (events, sink) = AsyncStream.makeStream(of: MQTTMessage?.self)
            group.addTask {
                for await message in client.messages { sink.yield(message) }
                sink.finish()
            }
            group.addTask {
                for await _ in ticks { sink.yield(nil) }
            }
            for await event in events {
                if let event {
                    for line in watch.ingest(topic: event.topic, payload: event.payload) { emit(line) }
                } else {
                    emit(watch.summary(now: .now()))
                }
            }
            group.cancelAll()
        }
    }

    /// Straight to fd 1: stdout is block-buffered when piped, and a live view must not lag.
    private func emit(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}
