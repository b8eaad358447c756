/// A replay file, opened and checked, that yields one item per data row.
///
/// Bad rows do not stop a replay: a row whose timestamp or a mapped value cannot be parsed, or
/// whose time goes back, comes out as `.refused` with its line and column, and the next row follows.
/// Only a problem that spoils every row (no such file, no header, a column missing from the
/// header, an invalid metric name) throws when the source is made.
///
/// `totalRecords` is known up front, because the file is read whole (the public data sets are a
/// few megabytes); rows are then parsed one by one as `next()` is called, so progress starts at once.
public struct ReplaySource: Sendable, Sequence, IteratorProtocol {
    private enum Cursor: Sendable {
        case csv(CSVCursor)
        case cmapss(CMAPSSCursor)
    }

    /// The path of the replayed file, as configured.
    public let file: String
    /// How many items the whole replay yields, readings and refusals together.
    public let totalRecords: Int
    private var cursor: Cursor

    public static func csv(_ replay: CSVReplay) throws(ReplayError) -> ReplaySource {
        try csv(replay, contents: ReplayFile.read(replay.path))
    }

    /// A CSV replay of bytes already in memory; `replay.path` only names them in refusals.
    public static func csv(_ replay: CSVReplay, contents: [UInt8]) throws(ReplayError) -> ReplaySource {
        let cursor = try CSVCursor(replay, bytes: contents)
        return ReplaySource(file: replay.path, totalRecords: cursor.remainingRows(), cursor: .csv(cursor))
    }

    public static func cmapss(_ replay: CMAPSSReplay) throws(ReplayError) -> ReplaySource {
        try cmapss(replay, contents: ReplayFile.read(replay.path))
    }

    /// A C-MAPSS replay of bytes already in memory; `replay.path` only names them in refusals.
    public static func cmapss(_ replay: CMAPSSReplay, contents: [UInt8]) throws(ReplayError) -> ReplaySource {
        let cursor = try CMAPSSCursor(replay, bytes: contents)
        return ReplaySource(file: replay.path, totalRecords: cursor.remaining, cursor: .cmapss(cursor))
    }

    public mutating func next() -> ReplayItem? {
        switch cursor {
        case .csv(var csv):
            let item = csv.next()
            cursor = .csv(csv)
            return item
        case .cmapss(var cmapss):
            let item = cmapss.next()
            cursor = .cmapss(cmapss)
            return item
        }
    }
}
