public import VigilDomain
import VigilStore

/// One asset's history from the recorder's database, as CSV or JSON lines of text: raw values
/// (one line per reading and metric) or hourly/daily rollups. Opens the file read-only, so it
/// runs beside the recorder without holding up its commits (WAL).
public struct HistoryQuery: Sendable {
    public enum Rollup: String, Sendable, CaseIterable {
        case hour, day
    }

    public enum Format: String, Sendable, CaseIterable {
        case csv, json
    }

    public var asset: TopicLevel
    public var metric: String?
    public var from: Timestamp?
    public var to: Timestamp?
    public var rollup: Rollup?
    public var format: Format

    public init(
        asset: TopicLevel, metric: String? = nil, from: Timestamp? = nil, to: Timestamp? = nil,
        rollup: Rollup? = nil, format: Format = .csv
    ) {
        self.asset = asset
        self.metric = metric
        self.from = from
        self.to = to
        self.rollup = rollup
        self.format = format
    }

    /// Writes the lines to `output` as it reads them, so a year of history does not sit in memory.
    /// Returns how many data lines it wrote.
    @discardableResult
    public func run(database path: String, output: (String) -> Void) throws -> Int {
        let database = try Database(path: path, readOnly: true)
        defer { database.close() }
        let low = from?.millisecondsSinceEpoch ?? Int64.min
        let high = to?.millisecondsSinceEpoch ?? Int64.max
        return rollup == nil
            ? try raw(database, low, high, output) : try rollups(database, rollup!, low, high, output)
    }

    private func raw(_ database: Database, _ low: Int64, _ high: Int64, _ output: (String) -> Void) throws -> Int {
        if format == .csv { output("ts,asset,seq,quality,metric,value") }
        let statement = try database.prepare(
            "SELECT payload FROM telemetry WHERE asset = ? AND ts_ms BETWEEN ? AND ? ORDER BY ts_ms, seq")
        try statement.bind([.text(asset.rawValue), .integer(low), .integer(high)])
        var lines = 0
        while try statement.step() {
            guard let text = statement.text(at: 0),
                let reading = try? PayloadCodec.decode(Reading.self, from: Array(text.utf8), maximumBytes: .max)
            else { continue }
            var values = RecordRow.metrics(of: reading, includingStale: true)
            values.sort { $0.name < $1.name }
            for value in values where metric == nil || value.name == metric {
                lines += 1
                switch format {
                case .csv:
                    output(
                        "\(reading.ts.rfc3339),\(asset),\(reading.seq),\(reading.quality.rawValue),\(value.name),\(value.value)"
                    )
                case .json:
                    output(
                        Self.jsonLine([
                            ("ts", .time(reading.ts)), ("asset", .text(asset.rawValue)), ("seq", .integer(reading.seq)),
                            ("quality", .text(reading.quality.rawValue)), ("metric", .text(value.name)),
                            ("value", .number(value.value)),
                        ]))
                }
            }
        }
        return lines
    }

    private func rollups(
        _ database: Database, _ period: Rollup, _ low: Int64, _ high: Int64, _ output: (String) -> Void
    ) throws -> Int {
        if format == .csv { output("start,asset,metric,count,mean,std,min,max") }
        let statement = try database.prepare(
            """
            SELECT start_ms, metric, count, mean, m2, min, max FROM rollups
            WHERE period = ? AND asset = ? AND start_ms BETWEEN ? AND ? AND (?5 IS NULL OR metric = ?5)
            ORDER BY start_ms, metric
            """)
        try statement.bind([
            .text(period.rawValue), .text(asset.rawValue), .integer(low), .integer(high),
            metric.map { .text($0) } ?? .null,
        ])
        var lines = 0
        while try statement.step() {
            let start = Timestamp(millisecondsSinceEpoch: statement.int64(at: 0))
            let name = statement.text(at: 1) ?? ""
            let count = statement.int64(at: 2)
            let std = count > 0 ? (max(statement.double(at: 4), 0) / Double(count)).squareRoot() : 0
            let (mean, minimum, maximum) = (statement.double(at: 3), statement.double(at: 5), statement.double(at: 6))
            lines += 1
            switch format {
            case .csv:
                output("\(start.rfc3339),\(asset),\(name),\(count),\(mean),\(std),\(minimum),\(maximum)")
            case .json:
                output(
                    Self.jsonLine([
                        ("start", .time(start)), ("asset", .text(asset.rawValue)), ("metric", .text(name)),
                        ("count", .integer(UInt64(max(count, 0)))), ("mean", .number(mean)), ("std", .number(std)),
                        ("min", .number(minimum)), ("max", .number(maximum)),
                    ]))
            }
        }
        return lines
    }

    enum Field {
        case text(String)
        case number(Double)
        case integer(UInt64)
        case time(Timestamp)
    }

    /// One JSON object on one line, fields in the order given.
    static func jsonLine(_ fields: [(String, Field)]) -> String {
        var writer = JSONWriter(capacity: 200)
        writer.raw("{")
        for (index, (key, field)) in fields.enumerated() {
            if index > 0 { writer.comma() }
            writer.key(key)
            switch field {
            case .text(let text): writer.string(text)
            case .number(let number): writer.number(number)
            case .integer(let integer): writer.integer(integer)
            case .time(let time): writer.timestamp(time)
            }
        }
        writer.raw("}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
