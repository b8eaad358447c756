import VigilDomain
import VigilRuntime
public import VigilYAML

extension RegisterMap {
    static let entryKeys: Set<String> = [
        "metric", "unit", "function", "address", "type", "bit", "word_order", "scale", "offset", "bpi", "jar", "jars",
        "description",
    ]

    /// Reads and checks a map file; every refusal names the file, the entry and the reason.
    public static func load(path: String) throws(RegisterMapError) -> RegisterMap {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            throw RegisterMapError(file: path, entry: "", reason: "cannot be read (\(error))")
        }
        let tree: YAMLNode
        do {
            tree = try YAML.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw RegisterMapError(file: path, entry: "", reason: error.description)
        }
        return try RegisterMap(tree, file: path)
    }

    public init(_ tree: YAMLNode, file: String) throws(RegisterMapError) {
        let root = ConfigNode(tree)
        do throws(ConfigError) {
            try root.requireOnly(["model", "description", "word_order", "max_gap", "registers"])
            model = try root.string("model", default: "")
            guard !model.isEmpty else { throw ConfigError(key: "model", reason: "is required") }
            maximumGap = try root.int("max_gap", default: 0, in: 0...124)
            let defaultOrder = try Self.wordOrder(root, default: .big)
            var expanded: [Entry] = []
            let items = try root.list("registers")
            guard !items.isEmpty else { throw ConfigError(key: "registers", reason: "must list at least one register") }
            for item in items {
                expanded += try Self.entries(item, defaultOrder: defaultOrder)
            }
            entries = expanded
        } catch {
            throw RegisterMapError(file: file, entry: error.key, reason: error.reason)
        }
        try checkConsistency(file: file)
    }

    private static func wordOrder(_ node: ConfigNode, default fallback: WordOrder) throws(ConfigError) -> WordOrder {
        let text = try node.string("word_order", default: fallback.rawValue)
        guard let order = WordOrder(rawValue: text) else {
            throw ConfigError(key: node.key("word_order"), reason: "expected big or little")
        }
        return order
    }

    private static func entries(_ node: ConfigNode, defaultOrder: WordOrder) throws(ConfigError) -> [Entry] {
        try node.requireOnly(entryKeys)
        let metric = try node.string("metric", default: "")
        do {
            _ = try TopicLevel(metric, field: "metric")
        } catch {
            throw ConfigError(key: node.key("metric"), reason: error.reason)
        }
        // Room for the `_high`/`_low` suffix of the reason codes the evaluator derives from it.
        guard metric.count <= TopicLevel.maximumLength - 5 else {
            throw ConfigError(
                key: node.key("metric"), reason: "is longer than \(TopicLevel.maximumLength - 5) characters")
        }
        let function = try node.int("function", default: 3, in: 3...4)
        let address = try node.int("address", default: -1, in: -1...65535)
        guard address >= 0 else { throw ConfigError(key: node.key("address"), reason: "is required") }
        let type = try valueType(node)
        guard address + type.width <= 65536 else {
            throw ConfigError(
                key: node.key("address"),
                reason: "a \(type.width)-register value at \(address) runs past register 65535")
        }
        let scaling: Scaling
        let offset = try node.double("offset", default: 0, in: -1e12...1e12)
        if node.contains("bpi") {
            guard !node.contains("scale") else {
                throw ConfigError(key: node.key("bpi"), reason: "give either scale or bpi, not both")
            }
            scaling = .binaryPoint(bpi: try node.int("bpi", default: 0, in: 0...31), offset: offset)
        } else {
            let scale = try node.double("scale", default: 1, in: -1e12...1e12)
            guard scale != 0 else { throw ConfigError(key: node.key("scale"), reason: "must not be 0") }
            scaling = .linear(scale: scale, offset: offset)
        }
        if type.isBit, node.contains("scale") || node.contains("bpi") || node.contains("offset") {
            throw ConfigError(key: node.key("type"), reason: "a bit is 0 or 1 and takes no scale, bpi or offset")
        }
        let template = Entry(
            metric: metric, unit: try node.string("unit", default: ""),
            table: function == 3 ? .holding : .input, address: address, type: type,
            wordOrder: try wordOrder(node, default: defaultOrder), scaling: scaling, jar: nil, origin: node.path)

        if node.contains("jars") {
            guard !node.contains("jar") else {
                throw ConfigError(key: node.key("jar"), reason: "give either jar or jars, not both")
            }
            let jars = try node.child("jars")
            try jars.requireOnly(["count", "stride", "first"])
            let count = try jars.int("count", default: 0, in: 1...1000)
            let stride = try jars.int("stride", default: type.width, in: 1...65535)
            guard stride >= type.width else {
                throw ConfigError(key: jars.key("stride"), reason: "must be at least \(type.width), the value's width")
            }
            let first = try jars.int("first", default: 1, in: 1...1000)
            guard address + (count - 1) * stride + type.width <= 65536 else {
                throw ConfigError(key: jars.key("count"), reason: "the last jar's register runs past 65535")
            }
            return (0..<count).map { index in
                var entry = template
                entry.jar = first + index
                entry.address = address + index * stride
                entry.origin = "\(node.path) jar \(first + index)"
                return entry
            }
        }
        var entry = template
        if node.contains("jar") { entry.jar = try node.int("jar", default: 1, in: 1...1000) }
        return [entry]
    }

    private static func valueType(_ node: ConfigNode) throws(ConfigError) -> ValueType {
        let name = try node.string("type", default: "u16")
        let hasBit = node.contains("bit")
        switch name {
        case "u16", "i16", "u32", "i32", "f32":
            guard !hasBit else {
                throw ConfigError(key: node.key("bit"), reason: "only a bit or bit32 type takes a bit")
            }
            switch name {
            case "u16": return .u16
            case "i16": return .i16
            case "u32": return .u32
            case "i32": return .i32
            default: return .f32
            }
        case "bit":
            guard hasBit else { throw ConfigError(key: node.key("bit"), reason: "is required for type bit") }
            return .bit(try node.int("bit", default: 0, in: 0...15))
        case "bit32":
            guard hasBit else { throw ConfigError(key: node.key("bit"), reason: "is required for type bit32") }
            return .bit32(try node.int("bit", default: 0, in: 0...31))
        default:
            throw ConfigError(
                key: node.key("type"),
                reason: "unknown type \"\(name)\" (expected u16, i16, u32, i32, f32, bit or bit32)")
        }
    }

    /// Two values read from the same register would silently disagree; the same metric twice would
    /// silently overwrite. Bits may share their register, with other bits of the same width only.
    private func checkConsistency(file: String) throws(RegisterMapError) {
        var seen: [String: String] = [:]
        let hasJars = entries.contains { $0.jar != nil }
        for entry in entries {
            if hasJars && entry.jar == nil && entry.metric == "jars" {
                throw RegisterMapError(
                    file: file, entry: entry.origin, reason: "jars is the name of the per-jar values")
            }
            let name = entry.jar.map { "\(entry.metric) of jar \($0)" } ?? entry.metric
            if let other = seen[name] {
                throw RegisterMapError(
                    file: file, entry: entry.origin, reason: "\(name) is already defined by \(other)")
            }
            seen[name] = entry.origin
        }
        let sorted = entries.sorted { ($0.table, $0.address) < ($1.table, $1.address) }
        for (previous, next) in zip(sorted, sorted.dropFirst())
        where previous.table == next.table && next.address < previous.address + previous.width {
            let sameBitField =
                previous.type.isBit && next.type.isBit && previous.address == next.address
                && previous.width == next.width
            if !sameBitField {
                throw RegisterMapError(
                    file: file, entry: next.origin,
                    reason: "register \(next.address) overlaps \(previous.origin) (\(previous.metric))")
            }
        }
    }
}
