import Foundation

/// Several runs of one measurement: the median is the figure, min and max say how far to trust it.
struct Figure {
    var runs: [Double]

    init(_ runs: [Double]) { self.runs = runs.sorted() }

    var median: Double {
        guard !runs.isEmpty else { return .nan }
        let middle = runs.count / 2
        return runs.count % 2 == 1 ? runs[middle] : (runs[middle - 1] + runs[middle]) / 2
    }
    var min: Double { runs.first ?? .nan }
    var max: Double { runs.last ?? .nan }

    func map(_ transform: (Double) -> Double) -> Figure { Figure(runs.map(transform)) }

    /// Runs `body` `count` times and keeps every result.
    static func measure(_ count: Int, _ body: () async throws -> Double) async rethrows -> Figure {
        var runs: [Double] = []
        for _ in 0..<count { runs.append(try await body()) }
        return Figure(runs)
    }
}

/// The table `make bench` prints and the `Benchmarks/results.json` it writes, row by row.
struct Report {
    enum Goal {
        case atLeast(Double)
        case atMost(Double)

        func met(_ value: Double) -> Bool {
            switch self {
            case .atLeast(let goal): return value >= goal
            case .atMost(let goal): return value <= goal
            }
        }

        var text: String {
            switch self {
            case .atLeast(let goal): return "≥ \(Report.format(goal))"
            case .atMost(let goal): return "≤ \(Report.format(goal))"
            }
        }
    }

    private(set) var json: [String: Any] = [:]
    private let started = Date()
    private(set) var goals: [(label: String, met: Bool)] = []

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let magnitude = abs(value)
        if magnitude >= 1000 { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    /// A section heading in the table.
    func section(_ title: String) {
        print("\n\(title)  [\(Int(Date().timeIntervalSince(started))) s]")
        print(
            "  " + "measurement".padding(toLength: 62, withPad: " ", startingAt: 0) + "median".leftPad(10)
                + "   min – max".padding(toLength: 22, withPad: " ", startingAt: 0) + "goal")
    }

    /// One row; `key` is its dotted place in results.json (`e2e.readings_per_s`), which holds the
    /// median, with `<key>_min` and `<key>_max` beside it when there was more than one run.
    mutating func row(_ label: String, _ figure: Figure, key: String? = nil, goal: Goal? = nil) {
        var line =
            "  " + label.padding(toLength: 62, withPad: " ", startingAt: 0) + Self.format(figure.median).leftPad(10)
        let spread = figure.runs.count > 1 ? "   \(Self.format(figure.min)) – \(Self.format(figure.max))" : ""
        line += spread.padding(toLength: 22, withPad: " ", startingAt: 0)
        if let goal {
            let met = figure.median.isFinite && goal.met(figure.median)
            line += "\(goal.text): \(met ? "met" : "short")"
            goals.append((label, met))
        }
        print(line)
        if let key {
            set(key, figure.median)
            if figure.runs.count > 1 {
                set(key + "_min", figure.min)
                set(key + "_max", figure.max)
            }
        }
    }

    /// A reference figure measured in the same run (no goal: it is what the machine can do).
    mutating func reference(_ label: String, _ figure: Figure?, key: String) {
        row(label + " (ref)", figure ?? Figure([]), key: key)
    }

    /// The hypervisor's share of the CPU time while a part ran (`MachineTime`), as a reference.
    mutating func steal(_ percent: Double?, key: String) {
        reference("CPU time the hypervisor took (steal), % of the machine's", percent.map { Figure([$0]) }, key: key)
    }

    mutating func set(_ key: String, _ value: Any) {
        let path = key.split(separator: ".").map(String.init)
        json = Self.setting(json, path[...], value)
    }

    private static func setting(_ object: [String: Any], _ path: ArraySlice<String>, _ value: Any) -> [String: Any] {
        var object = object
        guard let first = path.first else { return object }
        if path.count == 1 {
            object[first] = (value as? Double).map { $0.isFinite ? $0 as Any : NSNull() } ?? value
        } else {
            object[first] = setting(object[first] as? [String: Any] ?? [:], path.dropFirst(), value)
        }
        return object
    }

    func write(to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .prettyPrinted])
        try data.write(to: URL(fileURLWithPath: path))
    }

    func summary() {
        let short = goals.filter { !$0.met }
        print("\ngoals: \(goals.count - short.count) of \(goals.count) met")
        for goal in short { print("  short: \(goal.label)") }
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
