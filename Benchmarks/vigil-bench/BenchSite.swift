import Foundation
import VigilDomain
import VigilMQTT

/// A private broker and the agent binaries of one measurement, each agent with its own state
/// directory, all stopped together.
final class BenchSite {
    let work: String
    let agentDirectory: String
    let broker: Process
    let port: Int
    /// Whether the agents connect through the broker's Unix socket (`broker.socket`) rather than
    /// loopback TCP.
    let throughSocket: Bool
    private(set) var agents: [String: Process] = [:]

    init(work: String, agentDirectory: String, name: String, throughSocket: Bool = false) throws {
        self.work = "\(work)/\(name)"
        self.agentDirectory = agentDirectory
        self.throughSocket = throughSocket
        try FileManager.default.createDirectory(atPath: self.work, withIntermediateDirectories: true)
        (broker, port) = try RecorderBench.floodBroker(work: self.work, name: name, socket: throughSocket)
    }

    /// Starts `vigil-<agent>` with `config` as its file (the common keys and its own section).
    @discardableResult
    func launch(_ agent: String, config: String) throws -> Process {
        try config.write(toFile: "\(work)/\(agent).yaml", atomically: true, encoding: .utf8)
        let process = try start(
            "\(agentDirectory)/vigil-\(agent)", ["--config", "\(work)/\(agent).yaml"], log: "\(work)/\(agent).log",
            environment: [
                "VIGIL_BROKER_PORT": String(port), "VIGIL_STATE_DIR": "\(work)/\(agent)",
                "VIGIL_BROKER_SOCKET": throughSocket ? RecorderBench.socketPath(port) : "",
            ])
        agents[agent] = process
        return process
    }

    func pid(_ agent: String) -> Int32 { agents[agent]?.processIdentifier ?? 0 }

    /// - Parameter handler: takes every message on the client's network thread instead of
    ///   `messages`, so an arrival is timed where libmosquitto hands it over, as `mqbench` does.
    func client(_ name: String, handler: (@Sendable (MQTTMessage) -> Void)? = nil) async throws -> MQTTClient {
        var configuration = MQTTConfiguration(clientID: "bench-\(name)")
        configuration.port = port
        configuration.maxInflight = 1000
        let client = try MQTTClient(configuration: configuration)
        if let handler { client.setMessageHandler(handler) }
        try await client.connect()
        return client
    }

    /// Waits until every agent has said it is online on its retained status.
    func waitOnline(_ names: [String], site: String, within seconds: Double = 20) async throws {
        let client = try await client("online")
        defer { Task { await client.disconnect() } }
        try await client.subscribe("vigil/\(site)/status/+")
        var online = Set<String>()
        let deadline = Date().addingTimeInterval(seconds)
        for await message in client.messages {
            if let status = try? PayloadCodec.decode(AgentStatus.self, from: message.payload), status.state == .online {
                online.insert(String(message.topic.split(separator: "/").last ?? ""))
            }
            if Set(names).isSubset(of: online) { return }
            if Date() > deadline { break }
        }
        throw BenchError("agents not online after \(Int(seconds)) s: \(Set(names).subtracting(online).sorted())")
    }

    func stopAll() {
        for process in agents.values { stop(process) }
        agents = [:]
        stop(broker)
        if throughSocket { unlink(RecorderBench.socketPath(port)) }
    }

    deinit { stopAll() }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
