public import VigilYAML

/// A read-only view of one mapping of a configuration tree, from YAML or from remote JSON.
///
/// Every accessor validates type and range and throws a `ConfigError` naming the full key, so an
/// agent either starts with a configuration it fully understands or refuses with a reason.
public struct ConfigNode: Sendable {
    public let path: String
    public let node: YAMLNode

    public init(_ node: YAMLNode, path: String = "") {
        self.node = node
        self.path = path
    }

    public func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    public var keys: [String] { node.mappingValue?.map(\.key) ?? [] }

    public func contains(_ name: String) -> Bool { value(name) != nil }

    func value(_ name: String) -> YAMLNode? {
        guard let value = node[name], !value.isNull else { return nil }
        return value
    }

    public func string(_ name: String, default fallback: String) throws(ConfigError) -> String {
        try optionalString(name) ?? fallback
    }

    public func optionalString(_ name: String) throws(ConfigError) -> String? {
        guard let value = value(name) else { return nil }
        guard let text = value.stringValue else { throw ConfigError(key: key(name), reason: "expected a string") }
        return text
    }

    public func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let value = value(name) else { return fallback }
        guard let number = value.intValue else {
            throw ConfigError(key: key(name), reason: "expected an integer, got \(Self.show(value))")
        }
        guard range.contains(number) else {
            throw ConfigError(key: key(name), reason: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    public func double(_ name: String, default fallback: Double, in range: ClosedRange<Double>) throws(ConfigError)
        -> Double
    {
        try optionalDouble(name, in: range) ?? fallback
    }

    public func optionalDouble(_ name: String, in range: ClosedRange<Double> = -1e12...1e12) throws(ConfigError)
        -> Double?
    {
        guard let value = value(name) else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw ConfigError(key: key(name), reason: "expected a number, got \(Self.show(value))")
        }
        guard range.contains(number) else {
            throw ConfigError(key: key(name), reason: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    public func bool(_ name: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let value = value(name) else { return fallback }
        guard let flag = value.boolValue else {
            throw ConfigError(key: key(name), reason: "expected true or false, got \(Self.show(value))")
        }
        return flag
    }

    /// A nested mapping; an absent key reads as an empty mapping so defaults apply below it.
    public func child(_ name: String) throws(ConfigError) -> ConfigNode {
        guard let value = value(name) else { return ConfigNode(.mapping([]), path: key(name)) }
        guard value.mappingValue != nil else { throw ConfigError(key: key(name), reason: "expected a mapping") }
        return ConfigNode(value, path: key(name))
    }

    /// The items of a list, each as a node named `name[i]`; an absent key is an empty list.
    public func list(_ name: String) throws(ConfigError) -> [ConfigNode] {
        guard let value = value(name) else { return [] }
        guard let items = value.sequenceValue else { throw ConfigError(key: key(name), reason: "expected a list") }
        return items.enumerated().map { index, item in ConfigNode(item, path: "\(key(name))[\(index)]") }
    }

    /// The entries of a mapping whose keys are data (asset kinds, metric names), in file order.
    public func entries() throws(ConfigError) -> [(key: String, value: ConfigNode)] {
        guard let mapping = node.mappingValue else {
            if node.isNull { return [] }
            throw ConfigError(key: path, reason: "expected a mapping")
        }
        var result: [(key: String, value: ConfigNode)] = []
        for (name, value) in mapping {
            guard value.mappingValue != nil || value.isNull else {
                throw ConfigError(key: key(name), reason: "expected a mapping")
            }
            result.append((name, ConfigNode(value.isNull ? .mapping([]) : value, path: key(name))))
        }
        return result
    }

    /// Refuses keys this build does not know: a misspelt `warn_hgih` must not silently mean "no limit".
    public func requireOnly(_ known: Set<String>) throws(ConfigError) {
        for name in keys where !known.contains(name) {
            throw ConfigError(
                key: key(name), reason: "unknown key (expected one of: \(known.sorted().joined(separator: ", ")))")
        }
    }

    private static func show(_ value: YAMLNode) -> String {
        if let text = value.stringValue { return "\"\(text)\"" }
        if value.sequenceValue != nil { return "a list" }
        return "a mapping"
    }
}
