public import ArgumentParser
import VigilDomain
import VigilMQTT
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Where the site's broker is and how to log in: shared by every `vigil` command.
public struct SiteOptions: ParsableArguments {
    @Option(help: "Site identifier (env VIGIL_SITE).") var site = ProcessEnvironment.current["VIGIL_SITE"] ?? "demo"
    @Option(help: "Broker host.") var brokerHost = ProcessEnvironment.current["VIGIL_BROKER_HOST"] ?? "127.0.0.1"
    @Option(help: "Broker port.") var brokerPort = Int(ProcessEnvironment.current["VIGIL_BROKER_PORT"] ?? "") ?? 1883
    @Option(help: "The broker's Unix socket, instead of host and port (env VIGIL_BROKER_SOCKET).")
    var brokerSocket: String?
    @Option(help: "Broker user, e.g. operator or viewer (env VIGIL_BROKER_USERNAME).") var username: String?
    @Option(help: "File whose first line is the broker password (env VIGIL_BROKER_PASSWORD_FILE).")
    var passwordFile: String?
    @Option(help: "CA certificate: connect with TLS and check the broker against it.") var caFile: String?

    public init() {}

    public func validate() throws {
        guard (1...65535).contains(brokerPort) else { throw ValidationError("--broker-port must be 1-65535") }
        guard (try? TopicLevel(site)) != nil else {
            throw ValidationError("--site must be one topic level of [A-Za-z0-9_.-]")
        }
    }

    var topics: Topics { Topics(site: try! TopicLevel(site)) }

    /// Connected, or exit 69 (EX_UNAVAILABLE) with the reason: scripts tell "no broker" from "no such alarm".
    func connect(_ purpose: String) async throws -> MQTTClient {
        var configuration = MQTTConfiguration(clientID: "vigil-\(purpose)-\(getpid())")
        configuration.host = brokerHost
        configuration.port = brokerPort
        let environment = ProcessEnvironment.current
        configuration.socketPath = (brokerSocket ?? environment["VIGIL_BROKER_SOCKET"]).flatMap {
            $0.isEmpty ? nil : $0
        }
        configuration.username = username ?? environment["VIGIL_BROKER_USERNAME"]
        configuration.connectTimeout = .seconds(5)
        if let passwordFile = passwordFile ?? environment["VIGIL_BROKER_PASSWORD_FILE"] {
            guard let text = try? FileSystem.read(passwordFile),
                let line = String(decoding: text, as: UTF8.self).split(separator: "\n").first
            else {
                Console.error("cannot read the password from \(passwordFile)")
                throw ExitCode(66)
            }
            configuration.password = String(line)
        }
        if let caFile { configuration.tls = MQTTTLS(caFile: caFile) }
        do {
            let client = try MQTTClient(configuration: configuration)
            try await client.connect()
            return client
        } catch {
            Console.error("cannot reach the broker at \(configuration.endpoint): \(error)")
            throw ExitCode(69)
        }
    }

    /// The retained messages under `filter`: what the broker sends at subscribe time, gathered until
    /// it has been quiet for a moment.
    func retained(_ client: MQTTClient, _ filter: String) async throws -> [MQTTMessage] {
        let messages = client.messages
        try await client.subscribe(filter)
        var gathered: [MQTTMessage] = []
        let feed = TickedMessages(messages, every: .milliseconds(300))
        defer { feed.cancel() }
        var quietTicks = 0
        for await item in feed.items {
            if let item {
                if item.retain { gathered.append(item) }
                quietTicks = 0
            } else {
                quietTicks += 1
                if quietTicks >= 2 { break }
            }
        }
        return gathered
    }
}

/// Lines for a person, straight to the file descriptor: a pipe must not hold them back.
enum Console {
    static func print(_ line: String) { write(1, line + "\n") }
    static func error(_ line: String) { write(2, "vigil: " + line + "\n") }

    private static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
