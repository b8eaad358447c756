import VigilDomain

/// Parses the data rows of a CSV replay one at a time, once the header has been checked.
struct CSVCursor: Sendable {
    /// A CSV column that feeds a metric.
    struct Mapping: Sendable, Equatable {
        var index: Int
        var column: String
        var metric: String
    }

    let file: String
    let asset: TopicLevel
    let kind: AssetKind
    let headerCount: Int
    let timestampIndex: Int
    let timestampColumn: String
    let mappings: [Mapping]
    private var scanner: CSVScanner
    private var lastTimestamp: Timestamp?

    /// Reads the header and resolves the mapping; a configuration that cannot work with this file
    /// throws, since no row of it could be replayed.
    init(_ replay: CSVReplay, bytes: [UInt8]) throws(ReplayError) {
        file = replay.path
        asset = replay.asset
        kind = replay.kind
        timestampColumn = replay.timestampColumn
        func refuse(_ line: Int, _ column: String?, _ reason: String) -> ReplayError {
            ReplayError(file: replay.path, line: line, column: column, reason: reason)
        }
        guard let ascii = replay.delimiter.asciiValue, replay.delimiter != "\"", replay.delimiter != "\n",
            replay.delimiter != "\r"
        else {
            throw refuse(
                0, nil, "delimiter \"\(replay.delimiter)\" must be one ASCII character other than a quote or line break"
            )
        }
        scanner = CSVScanner(bytes: bytes, delimiter: ascii)
        var headerRow: CSVScanner.Row?
        while let row = scanner.next() {
            if !row.isBlank {
                headerRow = row
                break
            }
        }
        guard let header = headerRow else { throw refuse(0, nil, "is empty; a header row is expected") }
        guard !header.unterminatedQuote else {
            throw refuse(header.line, nil, "header has a quote that is never closed")
        }
        headerCount = header.fields.count

        func index(of column: String) throws(ReplayError) -> Int {
            let found = header.fields.indices.filter { header.fields[$0] == column }
            guard let first = found.first else { throw refuse(header.line, column, "is not in the header") }
            guard found.count == 1 else {
                throw refuse(header.line, column, "appears \(found.count) times in the header")
            }
            return first
        }
        timestampIndex = try index(of: replay.timestampColumn)

        var mappings: [Mapping] = []
        if replay.columns.isEmpty {
            let numeric = Self.numericColumns(scanner, count: header.fields.count)
            for index in header.fields.indices where index != timestampIndex && numeric.contains(index) {
                let column = header.fields[index]
                guard header.fields.filter({ $0 == column }).count == 1 else {
                    throw refuse(
                        header.line, column, "appears more than once in the header; map the columns explicitly")
                }
                mappings.append(Mapping(index: index, column: column, metric: column))
            }
        } else {
            for (column, metric) in replay.columns.sorted(by: { $0.key < $1.key }) {
                let index = try index(of: column)
                guard index != timestampIndex else { throw refuse(header.line, column, "is the timestamp column") }
                mappings.append(Mapping(index: index, column: column, metric: metric))
            }
        }
        var metrics: [String: String] = [:]
        for mapping in mappings {
            do {
                _ = try TopicLevel(mapping.metric, field: "metric")
            } catch {
                throw refuse(
                    header.line, mapping.column, "\"\(mapping.metric)\" is not a valid metric name: \(error.reason)")
            }
            if let other = metrics.updateValue(mapping.column, forKey: mapping.metric) {
                throw refuse(
                    header.line, mapping.column, "maps to metric \"\(mapping.metric)\" as column \"\(other)\" does")
            }
        }
        self.mappings = mappings.sorted { $0.index < $1.index }
    }

    /// Column indices whose first non-empty value is a number: the auto-mapping's notion of a
    /// numeric column, decided on the data rather than on a type row CSV does not have.
    private static func numericColumns(_ scanner: CSVScanner, count: Int) -> Set<Int> {
        var scanner = scanner
        var undecided = Set(0..<count)
        var numeric: Set<Int> = []
        while !undecided.isEmpty, let row = scanner.next() {
            guard !row.isBlank, !row.unterminatedQuote, row.fields.count == count else { continue }
            for index in undecided where !row.fields[index].isEmpty {
                undecided.remove(index)
                if DecimalText.value(row.fields[index]) != nil { numeric.insert(index) }
            }
        }
        return numeric
    }

    /// The data rows left, blank lines aside: what `next()` will still yield.
    func remainingRows() -> Int {
        var scanner = scanner
        var count = 0
        while let row = scanner.next() {
            if !row.isBlank { count += 1 }
        }
        return count
    }

    mutating func next() -> ReplayItem? {
        while let row = scanner.next() {
            if row.isBlank { continue }
            return item(row)
        }
        return nil
    }

    private mutating func item(_ row: CSVScanner.Row) -> ReplayItem {
        func refused(_ column: String?, _ reason: String) -> ReplayItem {
            .refused(ReplayError(file: file, line: row.line, column: column, reason: reason))
        }
        guard !row.unterminatedQuote else { return refused(nil, "has a quote that is never closed") }
        guard row.fields.count == headerCount else {
            return refused(nil, "has \(row.fields.count) fields; the header has \(headerCount)")
        }
        let text = row.fields[timestampIndex]
        guard let ts = Self.timestamp(text) else {
            return refused(
                timestampColumn,
                "is neither an RFC 3339 time with an offset nor epoch seconds or milliseconds: \"\(text)\"")
        }
        if let lastTimestamp, ts < lastTimestamp {
            return refused(timestampColumn, "goes back in time: \(ts) is before \(lastTimestamp) of the previous row")
        }
        var values = Reading.Values()
        values.scalars.reserveCapacity(mappings.count)
        for mapping in mappings {
            let field = row.fields[mapping.index]
            if field.isEmpty { continue }
            guard let value = DecimalText.value(field) else {
                return refused(mapping.column, "is not a number: \"\(field)\"")
            }
            values.scalars[mapping.metric] = value
        }
        guard !values.scalars.isEmpty else { return refused(nil, "has no value in any mapped column") }
        lastTimestamp = ts
        return .reading(ReplayRecord(ts: ts, asset: asset, kind: kind, values: values, line: row.line))
    }

    /// Epoch numbers of 1e11 or more are milliseconds, smaller ones seconds; anything else must be
    /// RFC 3339.
    static func timestamp(_ text: String) -> Timestamp? {
        guard DecimalText.isPlainNumber(text) else { return Timestamp(rfc3339: text) }
        guard let number = Double(text), number.isFinite else { return nil }
        let milliseconds = (number.magnitude >= 1e11 ? number : number * 1000).rounded()
        guard milliseconds.magnitude < 1e17 else { return nil }
        return Timestamp(millisecondsSinceEpoch: Int64(milliseconds))
    }
}
