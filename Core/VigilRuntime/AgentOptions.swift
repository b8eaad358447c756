public import ArgumentParser

/// The command line every agent accepts; flags win over the environment, which wins over the file.
public struct AgentOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML). Default: /etc/vigil/vigil.yaml if it exists.")
    public var config: String?

    @Option(name: .long, help: "Site identifier, the second topic level (vigil/<site>/…). Env: VIGIL_SITE.")
    public var site: String?

    @Option(name: .long, help: "This agent's id, used in status/<agent> and config/<agent>. Env: VIGIL_AGENT_ID.")
    public var agentID: String?

    @Option(name: .long, help: "Broker host. Env: VIGIL_BROKER_HOST.")
    public var brokerHost: String?

    @Option(name: .long, help: "Broker port. Env: VIGIL_BROKER_PORT.")
    public var brokerPort: Int?

    @Option(name: .long, help: "The broker's Unix socket, used instead of host and port. Env: VIGIL_BROKER_SOCKET.")
    public var brokerSocket: String?

    @Option(name: .long, help: "Directory for the agent's state (databases, last-good config). Env: VIGIL_STATE_DIR.")
    public var stateDir: String?

    @Option(name: .long, help: "error, warning, notice, info or debug. Env: VIGIL_LOG_LEVEL.")
    public var logLevel: String?

    @Flag(name: .long, help: "Validate the configuration, print it, and exit.")
    public var checkConfig = false

    public init() {}

    /// Overrides in precedence order: environment first, then flags on top.
    func overrides(environment: [String: String]) -> [(path: [String], value: String)] {
        let pairs: [(String, [String], String?)] = [
            ("VIGIL_SITE", ["site"], site),
            ("VIGIL_AGENT_ID", ["agent_id"], agentID),
            ("VIGIL_BROKER_HOST", ["broker", "host"], brokerHost),
            ("VIGIL_BROKER_PORT", ["broker", "port"], brokerPort.map(String.init)),
            ("VIGIL_BROKER_SOCKET", ["broker", "socket"], brokerSocket),
            ("VIGIL_BROKER_USERNAME", ["broker", "username"], nil),
            ("VIGIL_BROKER_PASSWORD_FILE", ["broker", "password_file"], nil),
            ("VIGIL_STATE_DIR", ["state_dir"], stateDir),
            ("VIGIL_LOG_LEVEL", ["log_level"], logLevel),
        ]
        var result: [(path: [String], value: String)] = []
        for (variable, path, _) in pairs {
            if let value = environment[variable], !value.isEmpty { result.append((path, value)) }
        }
        for (_, path, flag) in pairs {
            if let flag { result.append((path, flag)) }
        }
        return result
    }
}
