import VigilDomain

/// Replays a C-MAPSS file in fleet order: rows are indexed (unit, cycle, byte range) up front so
/// they can be interleaved by cycle, and their 24 values are parsed only when yielded.
struct CMAPSSCursor: Sendable {
    private struct Row: Sendable {
        var unit: Int
        var cycle: Int
        var line: Int
        var start: Int
        var end: Int
    }

    private static let columnCount = 26

    let file: String
    let kind: AssetKind
    let start: Timestamp
    let cycleMilliseconds: Int64
    private let bytes: [UInt8]
    private let rows: [Row]
    private let assets: [Int: TopicLevel]
    /// Rows whose unit or cycle cannot be read have no place in the fleet order; they are yielded
    /// first, so the operator hears about a damaged file at once rather than hours into a replay.
    private var unplaceable: [ReplayError]
    private var nextRow = 0

    init(_ replay: CMAPSSReplay, bytes: [UInt8]) throws(ReplayError) {
        file = replay.path
        kind = replay.kind
        start = replay.start
        self.bytes = bytes
        func refuse(_ line: Int, _ column: String?, _ reason: String) -> ReplayError {
            ReplayError(file: replay.path, line: line, column: column, reason: reason)
        }
        let milliseconds = (replay.cycleSeconds * 1000).rounded()
        guard milliseconds.isFinite, milliseconds >= 1, milliseconds <= 1e15 else {
            throw refuse(0, nil, "cycle length \(replay.cycleSeconds) s must be between 0.001 s and 1e12 s")
        }
        cycleMilliseconds = Int64(milliseconds)
        do {
            _ = try TopicLevel(replay.assetPrefix, field: "asset prefix")
        } catch {
            throw refuse(0, nil, error.description)
        }

        var rows: [Row] = []
        var unplaceable: [ReplayError] = []
        var assets: [Int: TopicLevel] = [:]
        var lineStart = 0
        var line = 0
        while lineStart < bytes.count {
            line += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            var tokens = Tokens(bytes: bytes, start: lineStart, end: lineEnd)
            guard let unitToken = tokens.next() else { continue }  // blank line
            guard let unit = Self.positiveInteger(bytes[unitToken]) else {
                unplaceable.append(
                    refuse(line, "unit", "is not a positive whole number: \"\(Self.text(bytes[unitToken]))\""))
                continue
            }
            guard let cycleToken = tokens.next(), let cycle = Self.positiveInteger(bytes[cycleToken]) else {
                unplaceable.append(refuse(line, "cycle", "is missing or not a positive whole number"))
                continue
            }
            if assets[unit] == nil {
                let digits = String(unit)
                let padded = String(repeating: "0", count: max(0, 3 - digits.count)) + digits
                do {
                    assets[unit] = try TopicLevel("\(replay.assetPrefix)-\(padded)", field: "asset")
                } catch {
                    throw refuse(line, "unit", error.description)
                }
            }
            rows.append(Row(unit: unit, cycle: cycle, line: line, start: lineStart, end: lineEnd))
        }
        rows.sort { ($0.cycle, $0.unit, $0.line) < ($1.cycle, $1.unit, $1.line) }
        self.rows = rows
        self.assets = assets
        self.unplaceable = unplaceable
    }

    var remaining: Int { unplaceable.count + rows.count - nextRow }

    mutating func next() -> ReplayItem? {
        if !unplaceable.isEmpty { return .refused(unplaceable.removeFirst()) }
        guard nextRow < rows.count else { return nil }
        let row = rows[nextRow]
        nextRow += 1
        func refused(_ column: String?, _ reason: String) -> ReplayItem {
            .refused(ReplayError(file: file, line: row.line, column: column, reason: reason))
        }
        if nextRow >= 2, rows[nextRow - 2].unit == row.unit, rows[nextRow - 2].cycle == row.cycle {
            return refused(
                "cycle", "repeats cycle \(row.cycle) of unit \(row.unit) from line \(rows[nextRow - 2].line)")
        }
        let (offset, overflow) = Int64(row.cycle).multipliedReportingOverflow(by: cycleMilliseconds)
        let (time, late) = start.millisecondsSinceEpoch.addingReportingOverflow(offset)
        guard !overflow, !late else {
            return refused("cycle", "cycle \(row.cycle) is too far in the future to be given a time")
        }
        var tokens = Tokens(bytes: bytes, start: row.start, end: row.end)
        _ = tokens.next()  // unit
        _ = tokens.next()  // cycle
        var scalars: [String: Double] = ["cycle": Double(row.cycle)]
        scalars.reserveCapacity(Self.columnCount - 1)
        var column = 2
        while let token = tokens.next() {
            guard column < Self.columnCount else {
                return refused(nil, "has more than \(Self.columnCount) columns")
            }
            let metric = CMAPSSReplay.metrics[column - 1]
            guard let value = DecimalText.value(Self.text(bytes[token])) else {
                return refused(metric, "is not a number: \"\(Self.text(bytes[token]))\"")
            }
            scalars[metric] = value
            column += 1
        }
        guard column == Self.columnCount else {
            return refused(nil, "has \(column) columns; C-MAPSS rows have \(Self.columnCount)")
        }
        return .reading(
            ReplayRecord(
                ts: Timestamp(millisecondsSinceEpoch: time), asset: assets[row.unit]!, kind: kind,
                values: Reading.Values(scalars: scalars), line: row.line))
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Unit and cycle numbers; a sign, a fraction or a zero is not one.
    private static func positiveInteger(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value > 0 ? value : nil
    }

    /// The whitespace-separated tokens of one line, as byte ranges (a CRLF's CR counts as space).
    private struct Tokens {
        let bytes: [UInt8]
        var position: Int
        let end: Int

        init(bytes: [UInt8], start: Int, end: Int) {
            self.bytes = bytes
            position = start
            self.end = end
        }

        mutating func next() -> Range<Int>? {
            while position < end, Self.isSpace(bytes[position]) { position += 1 }
            guard position < end else { return nil }
            let start = position
            while position < end, !Self.isSpace(bytes[position]) { position += 1 }
            return start..<position
        }

        private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
    }
}
