import VigilYAML

/// Builds an agent's starting configuration: defaults < file < environment < flags, then the
/// last-good remote document from the state directory, if one was kept.
enum ConfigLoader {
    static let defaultPath = "/etc/vigil/vigil.yaml"

    struct Loaded<Settings: Sendable>: Sendable {
        var common: CommonSettings
        var settings: Settings
        var source: String
    }

    static func load<A: Agent>(
        _: A.Type, options: AgentOptions, environment: [String: String],
        overrides extra: [(path: [String], value: String)] = []
    ) throws(ConfigError) -> Loaded<A.Settings> {
        var tree = YAMLNode.mapping([])
        var source = "built-in defaults"
        let explicit = options.config ?? environment["VIGIL_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        if let path = explicit ?? (FileSystem.exists(defaultPath) ? defaultPath : nil) {
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(path)
            } catch {
                throw ConfigError(key: "", reason: "cannot read configuration file: \(error)")
            }
            tree = try ConfigDocument.parseYAML(String(decoding: bytes, as: UTF8.self), source: path)
            if tree.isNull { tree = .mapping([]) }
            guard tree.mappingValue != nil else {
                throw ConfigError(key: "", reason: "\(path): the top level must be a mapping of keys")
            }
            source = path
        }
        for override in options.overrides(environment: environment) + extra {
            tree = ConfigDocument.setting(override.path, to: .scalar(override.value, quoted: false), in: tree)
        }
        let root = ConfigNode(tree)
        let common = try CommonSettings(root, agent: A.name)
        let settings = try A.settings(from: try root.child(A.name))
        return Loaded(common: common, settings: settings, source: source)
    }
}
