public import VigilYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Turns configuration text (a YAML file, or a JSON document from `config/<agent>`) into one tree
/// type, so both paths are validated by exactly the same code.
public enum ConfigDocument {
    public static func parseYAML(_ text: String, source: String) throws(ConfigError) -> YAMLNode {
        do {
            return try YAML.parse(text)
        } catch {
            throw ConfigError(key: "", reason: "\(source): \(error)")
        }
    }

    public static func parseJSON(_ bytes: [UInt8], maximumBytes: Int) throws(ConfigError) -> YAMLNode {
        guard bytes.count <= maximumBytes else {
            throw ConfigError(key: "", reason: "document is \(bytes.count) bytes, over the \(maximumBytes)-byte limit")
        }
        do {
            return try JSONDecoder().decode(JSONTree.self, from: Data(bytes)).node
        } catch {
            throw ConfigError(key: "", reason: "document is not valid JSON")
        }
    }

    /// Sets `a.b.c` in a mapping tree, creating intermediate mappings; used for env and flag overrides.
    public static func setting(_ path: [String], to value: YAMLNode, in tree: YAMLNode) -> YAMLNode {
        guard let first = path.first else { return value }
        var entries = tree.mappingValue ?? []
        if let index = entries.firstIndex(where: { $0.key == first }) {
            entries[index].value = setting(Array(path.dropFirst()), to: value, in: entries[index].value)
        } else {
            entries.append((first, setting(Array(path.dropFirst()), to: value, in: .mapping([]))))
        }
        return .mapping(entries)
    }
}

/// Any JSON value, mapped onto the YAML tree: JSON strings become quoted scalars, so `"42"` stays
/// a string and `42` a number, exactly as in YAML.
private struct JSONTree: Decodable {
    let node: YAMLNode

    init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var items: [YAMLNode] = []
            while !list.isAtEnd { items.append(try list.decode(JSONTree.self).node) }
            node = .sequence(items)
        } else if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var entries: [(key: String, value: YAMLNode)] = []
            for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                entries.append((key.stringValue, try object.decode(JSONTree.self, forKey: key).node))
            }
            node = .mapping(entries)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                node = .null
            } else if let flag = try? single.decode(Bool.self) {
                node = .scalar(flag ? "true" : "false", quoted: false)
            } else if let integer = try? single.decode(Int.self) {
                node = .scalar(String(integer), quoted: false)
            } else if let number = try? single.decode(Double.self) {
                node = .scalar(String(number), quoted: false)
            } else {
                node = .scalar(try single.decode(String.self), quoted: true)
            }
        }
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
