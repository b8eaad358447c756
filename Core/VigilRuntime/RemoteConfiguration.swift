import VigilYAML

/// A remote configuration document from the retained `config/<agent>`: the agent's section plus
/// a `revision`, validated whole before anything changes.
struct RemoteConfiguration<Settings: Sendable>: Sendable {
    var revision: Int
    var settings: Settings
    var payload: [UInt8]

    static var lastGoodFile: String { "remote-config.json" }

    init<A: Agent>(_: A.Type, payload: [UInt8], maximumBytes: Int) throws(ConfigError) where A.Settings == Settings {
        self.payload = payload
        let tree = try ConfigDocument.parseJSON(payload, maximumBytes: maximumBytes)
        guard let entries = tree.mappingValue else {
            throw ConfigError(key: "", reason: "document must be a JSON object")
        }
        let root = ConfigNode(tree)
        guard root.contains("revision") else { throw ConfigError(key: "revision", reason: "is required") }
        revision = try root.int("revision", default: 0, in: 0...Int(Int32.max))
        let section = YAMLNode.mapping(entries.filter { $0.key != "revision" })
        settings = try A.settings(from: ConfigNode(section))
    }
}

extension Agent {
    /// Validates a `config/<agent>` document as the agent would on receipt, without applying it:
    /// for `vigil config set`, so a bad document is refused at the terminal, not on the gateway.
    /// - Returns: its revision.
    public static func validateRemoteConfiguration(_ payload: [UInt8], maximumBytes: Int = 65_536)
        throws(ConfigError) -> Int
    {
        try RemoteConfiguration(Self.self, payload: payload, maximumBytes: maximumBytes).revision
    }
}
