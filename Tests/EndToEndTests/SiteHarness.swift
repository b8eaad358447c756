import Foundation
import Glibc
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// Starts agents and a watching client for one site against one broker port.
struct SiteHarness {
    let site: String
    let port: Int
    let directory = makeTemporaryDirectory()

    func environment(_ agent: String) -> [String: String] {
        ["VIGIL_SITE": site, "VIGIL_BROKER_PORT": String(port), "VIGIL_STATE_DIR": "\(directory)/\(agent)"]
    }

    /// Each agent gets a 1 s status interval so tests see counters quickly.
    /// - Parameter broker: more `broker:` keys, one `key: value` per line.
    /// - Parameter instance: names the config file and state directory when one agent runs twice.
    func start(
        _ agent: String, config: String = "", broker: [String] = [], instance: String? = nil, arguments: [String] = []
    ) throws -> AgentProcess {
        let name = instance ?? agent
        let path = "\(directory)/\(name).yaml"
        let brokerKeys = (["reconnect_max_s: 2"] + broker).map { "  \($0)\n" }.joined()
        try ("status_interval_s: 1\nbroker:\n" + brokerKeys + config).write(
            toFile: path, atomically: true, encoding: .utf8)
        return try AgentProcess(
            agent, arguments: ["--config", path] + arguments, environment: environment(name), directory: directory)
    }

    func watcher() async throws -> (MQTTClient, StreamRecorder<MQTTMessage>) {
        var configuration = MQTTConfiguration(clientID: "e2e-watch-\(site)-\(getpid())")
        configuration.port = port
        configuration.reconnectDelayMax = 2
        let client = try MQTTClient(configuration: configuration)
        let recorder = StreamRecorder(client.messages)
        try await client.connect()
        try await client.subscribe("vigil/\(site)/#")
        return (client, recorder)
    }

    static func status(_ message: MQTTMessage) -> AgentStatus? {
        try? PayloadCodec.decode(AgentStatus.self, from: message.payload)
    }

    func isStatus(_ message: MQTTMessage, _ agent: String, _ state: AgentStatus.State) -> Bool {
        message.topic == "vigil/\(site)/status/\(agent)" && Self.status(message)?.state == state
    }
}
