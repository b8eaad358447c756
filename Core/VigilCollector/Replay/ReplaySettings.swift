import VigilDomain
import VigilReplay
import VigilRuntime

/// The `collector.replay` section: which recorded file, read how, at what rate.
public struct ReplaySettings: Sendable, Equatable {
    enum Format: Sendable, Equatable {
        case csv(CSVReplay)
        case cmapss(CMAPSSReplay)
    }

    var format: Format
    var rate: ReplayPacer.Rate

    static let keys: Set<String> = [
        "format", "path", "rate", "asset", "kind", "timestamp_column", "columns", "delimiter", "asset_prefix",
        "cycle_s", "start",
    ]

    /// nil when the section is empty (the collector is not replaying).
    init?(_ node: ConfigNode) throws(ConfigError) {
        guard !node.keys.isEmpty else { return nil }
        try node.requireOnly(Self.keys)
        let path = try node.string("path", default: "")
        guard !path.isEmpty else { throw ConfigError(key: node.key("path"), reason: "is required") }
        let rateText = try node.string("rate", default: "realtime")
        guard let rate = ReplayPacer.Rate(rateText) else {
            throw ConfigError(key: node.key("rate"), reason: "expected max, realtime or xN (e.g. x60)")
        }
        self.rate = rate
        let kindName = try node.string("kind", default: "")
        var kind: AssetKind?
        if !kindName.isEmpty {
            do {
                kind = try AssetKind(kindName)
            } catch {
                throw ConfigError(key: node.key("kind"), reason: error.reason)
            }
        }
        switch try node.string("format", default: "csv") {
        case "csv":
            let assetName = try node.string("asset", default: "")
            let asset: TopicLevel
            do {
                asset = try TopicLevel(assetName, field: "asset")
            } catch {
                throw ConfigError(key: node.key("asset"), reason: error.reason)
            }
            var columns: [String: String] = [:]
            for (column, metric) in try Self.pairs(node, "columns") { columns[column] = metric }
            let delimiter = try node.string("delimiter", default: ",")
            guard delimiter.count == 1, let character = delimiter.first else {
                throw ConfigError(key: node.key("delimiter"), reason: "expected one character")
            }
            format = .csv(
                CSVReplay(
                    path: path, asset: asset, kind: kind ?? .generic,
                    timestampColumn: try node.string("timestamp_column", default: "ts"), columns: columns,
                    delimiter: character))
        case "cmapss":
            var start = Timestamp.now()
            if let text = try node.optionalString("start") {
                guard let parsed = Timestamp(rfc3339: text) else {
                    throw ConfigError(key: node.key("start"), reason: "expected an RFC 3339 time")
                }
                start = parsed
            }
            format = .cmapss(
                CMAPSSReplay(
                    path: path, assetPrefix: try node.string("asset_prefix", default: "engine"),
                    kind: kind ?? .turbofan, cycleSeconds: try node.double("cycle_s", default: 3600, in: 0.001...1e9),
                    start: start))
        default:
            throw ConfigError(key: node.key("format"), reason: "expected csv or cmapss")
        }
    }

    private static func pairs(_ node: ConfigNode, _ name: String) throws(ConfigError) -> [(String, String)] {
        let child = try node.child(name)
        var result: [(String, String)] = []
        for key in child.keys {
            guard let metric = try child.optionalString(key) else {
                throw ConfigError(key: child.key(key), reason: "expected a metric name")
            }
            result.append((key, metric))
        }
        return result
    }

    /// Opens the file; a file that spoils every row is refused here, with the reason.
    func source() throws(ConfigError) -> ReplaySource {
        do {
            switch format {
            case .csv(let csv): return try .csv(csv)
            case .cmapss(let cmapss): return try .cmapss(cmapss)
            }
        } catch {
            throw ConfigError(key: "replay", reason: error.description)
        }
    }
}
