public import ArgumentParser
import VigilDomain

#if canImport(Glibc)
    import Glibc
#endif

/// What `vigil-recorder query` and `vigil history` share: an asset's history or rollups from the
/// recorder's database, read-only beside the running agent. Exit 0 with rows, 1 when nothing
/// matched, 64 on a bad argument, 66 without a readable database.
public struct HistoryOptions: ParsableArguments {
    @Argument(help: "The asset, e.g. ups1-str01.") var asset: String
    @Option(help: "One metric, e.g. jar07.voltage_v (default: all).") var metric: String?
    @Option(help: "From this time (RFC 3339, e.g. 2026-11-29T00:00:00Z).") var from: String?
    @Option(help: "Up to this time (RFC 3339).") var to: String?
    @Option(help: "hour or day: rollups instead of raw values.") var rollup: String?
    @Option(help: "csv or json (one object per line).") var format = "csv"
    @Option(help: "The recorder's database.") var database = "/var/lib/vigil/recorder/history.db"

    public init() {}

    public func run(command: String) throws {
        let query: HistoryQuery
        do {
            query = HistoryQuery(
                asset: try TopicLevel(asset, field: "asset"), metric: metric, from: try time(from, "--from"),
                to: try time(to, "--to"), rollup: try choice(rollup, "--rollup"),
                format: try choice(format, "--format") ?? .csv)
        } catch {
            Self.standardError("\(command): \(error)\n")
            throw ExitCode(64)
        }
        guard access(database, R_OK) == 0 else {
            Self.standardError("\(command): cannot read \(database)\n")
            throw ExitCode(66)
        }
        let lines = try query.run(database: database) { print($0) }
        if lines == 0 { throw ExitCode(1) }
    }

    private func choice<T: RawRepresentable & CaseIterable>(_ text: String?, _ name: String) throws -> T?
    where T.RawValue == String {
        guard let text else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("\(name): \"\(text)\" is not one of \(allowed)")
        }
        return value
    }

    private func time(_ text: String?, _ name: String) throws -> Timestamp? {
        guard let text else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            throw ValidationError("\(name): \"\(text)\" is not an RFC 3339 time")
        }
        return time
    }

    private static func standardError(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
