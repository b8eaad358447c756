public import VigilDomain

/// How to replay a CSV export of one asset: a header row, one timestamp column, value columns.
///
/// - Timestamps: RFC 3339 with `Z` or an offset (a time without one is ambiguous and refused), or
///   epoch numbers: a magnitude of 1e11 or more is milliseconds, anything smaller is seconds
///   (1e11 s is the year 5138, 1e11 ms is March 1973, so real data never falls between the two).
///   Epoch seconds may carry a fraction; times are kept to the millisecond.
/// - Columns: `columns` maps CSV column → metric name; other columns are ignored. When it is empty,
///   every column other than the timestamp whose first non-empty value is a number becomes a
///   metric of the same name, which must then be a valid identifier (`[A-Za-z0-9_.-]{1,64}`).
/// - Format: RFC 4180 quoting (`"a,b"`, `""` for a quote, line breaks inside quotes), LF or CRLF,
///   a UTF-8 byte-order mark, and spaces around unquoted fields are tolerated; blank lines are
///   skipped. An empty cell is a value not measured in that row and is left out of the reading.
/// - Bad rows: see `ReplaySource`; they are yielded as refusals, and the replay goes on.
public struct CSVReplay: Sendable, Equatable {
    public var path: String
    public var asset: TopicLevel
    public var kind: AssetKind
    public var timestampColumn: String
    /// CSV column → metric name; empty to map every numeric column to a metric of its own name.
    public var columns: [String: String]
    /// A single ASCII character other than a quote or a line break, e.g. `,`, `;` or a tab.
    public var delimiter: Character

    public init(
        path: String, asset: TopicLevel, kind: AssetKind, timestampColumn: String, columns: [String: String] = [:],
        delimiter: Character = ","
    ) {
        self.path = path
        self.asset = asset
        self.kind = kind
        self.timestampColumn = timestampColumn
        self.columns = columns
        self.delimiter = delimiter
    }
}
