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
                    var writer = JSONWriter(capacity: 160)
                    writer.raw("{")
                    writer.key("ts")
                    writer.timestamp(reading.ts)
                    writer.comma()
                    writer.key("asset")
                    writer.string(asset.rawValue)
                    writer.comma()
                    writer.key("seq")
                    writer.integer(reading.seq)
                    writer.comma()
                    writer.key("quality")
                    writer.string(reading.quality.rawValue)
                    writer.comma()
                    writer.key("metric")
                    writer.string(value.name)
                    writer.comma()
                    writer.key("value")
                    writer.number(value.value)
                    writer.raw("}")
                    output(String(decoding: writer.bytes, as: UTF8.self))
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
                var writer = JSONWriter(capacity: 200)
                writer.raw("{")
                for (index, (key, number)) in [("mean", mean), ("std", std), ("min", minimum), ("max", maximum)]
                    .enumerated()
                {
                    if index > 0 { writer.comma() }
                    writer.key(key)
                    writer.number(number)
                }
                writer.comma()
                writer.key("start")
                writer.timestamp(start)
                writer.comma()
                writer.key("asset")
                writer.string(asset.rawValue)
                writer.comma()
                writer.key("metric")
                writer.string(name)
                writer.comma()
                writer.key("count")
                writer.integer(UInt64(count))
                writer.raw("}")
                output(String(decoding: writer.bytes, as: UTF8.self))
            }
        }
        return lines
    }
}
