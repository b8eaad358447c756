import VigilDomain
import VigilReplay

/// Helpers shared by the replay tests: sources from inline text, and the shared data sets.
enum ReplayFixtures {
    static let asset = try! TopicLevel("ahu-1")
    static let start = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!

    /// `/work/shared/datasets` beside the repository: `<repo>/../shared/datasets`.
    static let datasets: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/../shared/datasets"
    }()

    static func csv(
        _ text: String, timestampColumn: String = "time", columns: [String: String] = [:], delimiter: Character = ","
    ) throws(ReplayError) -> ReplaySource {
        let replay = CSVReplay(
            path: "site.csv", asset: asset, kind: .chiller, timestampColumn: timestampColumn, columns: columns,
            delimiter: delimiter)
        return try ReplaySource.csv(replay, contents: Array(text.utf8))
    }

    static func cmapss(_ text: String, cycleSeconds: Double = 3600) throws(ReplayError) -> ReplaySource {
        let replay = CMAPSSReplay(path: "sample.txt", cycleSeconds: cycleSeconds, start: start)
        return try ReplaySource.cmapss(replay, contents: Array(text.utf8))
    }

    /// The CSV refusal a configuration raises, or nil when the source was made.
    static func configurationError(_ make: () throws(ReplayError) -> ReplaySource) -> ReplayError? {
        do {
            _ = try make()
            return nil
        } catch {
            return error
        }
    }
}

extension ReplayItem {
    var record: ReplayRecord? {
        if case .reading(let record) = self { return record }
        return nil
    }

    var error: ReplayError? {
        if case .refused(let error) = self { return error }
        return nil
    }
}
