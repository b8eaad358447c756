/// Engines (or any units) each with its cycles in order, as NASA's C-MAPSS files give them: one
/// row a cycle, `unit cycle setting1 setting2 setting3 sensor1 … sensor21`, separated by spaces;
/// or a site's own assets, from their recorded history (`RunToFailureSet+History`).
public struct RunToFailureSet: Sendable, Equatable {
    public struct Unit: Sendable, Equatable {
        public var id: Int
        /// Each cycle's values of `metrics`, in cycle order.
        public var sensors: [[Double]]

        public init(id: Int, sensors: [[Double]]) {
            self.id = id
            self.sensors = sensors
        }

        public var cycles: Int { sensors.count }
    }

    public var units: [Unit]
    /// What each column of a row is.
    public var metrics: [String]

    public init(units: [Unit], metrics: [String] = WindowFeatures.cmapssColumns) {
        self.units = units
        self.metrics = metrics
    }

    public static let sensorCount = 21

    /// Parses C-MAPSS text; a malformed line is refused with its number and what is wrong.
    public init(text: String) throws(PrognosticsError) {
        var order: [Int] = []
        var byUnit: [Int: [[Double]]] = [:]
        var lastCycle: [Int: Int] = [:]
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 5 + Self.sensorCount else {
                throw PrognosticsError("line \(lineNumber): expected 26 numbers, found \(fields.count)")
            }
            var numbers: [Double] = []
            numbers.reserveCapacity(fields.count)
            for (column, field) in fields.enumerated() {
                guard let value = Double(field), value.isFinite else {
                    throw PrognosticsError("line \(lineNumber), column \(column + 1): \"\(field)\" is not a number")
                }
                numbers.append(value)
            }
            guard numbers[0] >= 1, numbers[0] == numbers[0].rounded(), numbers[1] >= 1 else {
                throw PrognosticsError("line \(lineNumber): unit and cycle must be whole numbers from 1")
            }
            let unit = Int(numbers[0])
            let cycle = Int(numbers[1])
            if byUnit[unit] == nil { order.append(unit) }
            guard cycle == (lastCycle[unit] ?? 0) + 1 else {
                throw PrognosticsError("line \(lineNumber): unit \(unit) jumps to cycle \(cycle)")
            }
            lastCycle[unit] = cycle
            byUnit[unit, default: []].append(Array(numbers[5...]))
        }
        guard !order.isEmpty else { throw PrognosticsError("no rows") }
        units = order.map { Unit(id: $0, sensors: byUnit[$0]!) }
        metrics = WindowFeatures.cmapssColumns
    }
}
