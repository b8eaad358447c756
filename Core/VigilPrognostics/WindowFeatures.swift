/// What a model sees of a unit's history at one cycle: for each informative sensor, its last
/// value, the mean, standard deviation and least-squares slope over the last `window` cycles,
/// and the unit's age in cycles.
///
/// The 14 sensors are those that move in FD001; the other seven are constant or pure noise there.
/// Means and slopes carry the trend that single readings bury in noise.
public struct WindowFeatures: Codable, Sendable, Equatable {
    /// 1-based numbers of the columns used, as NASA's readme numbers C-MAPSS sensors.
    public var sensors: [Int]
    public var window: Int
    /// The metric name of every column of a row, in order: what the evaluator looks up in a
    /// reading. C-MAPSS's 21 sensors unless the model learned from a site's own history.
    public var columns: [String]

    /// 60 cycles: on FD001's held-out engines, RMSE 9.5 against 12.1 with 30 and 14.0 with 20
    /// (the longer mean averages the sensor noise away; 80 was no better).
    public init(sensors: [Int] = Self.informative, window: Int = 60, columns: [String] = Self.cmapssColumns) {
        self.sensors = sensors
        self.window = window
        self.columns = columns
    }

    public static let informative = [2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21]
    public static let cmapssColumns = (1...21).map { $0 < 10 ? "sensor_0\($0)" : "sensor_\($0)" }

    public var names: [String] {
        sensors.flatMap { sensor in
            let name = columns.indices.contains(sensor - 1) ? columns[sensor - 1] : "column_\(sensor)"
            return ["last", "mean", "std", "slope"].map { "\(name)_\($0)" }
        } + ["cycle"]
    }

    enum CodingKeys: String, CodingKey {
        case sensors, window, columns
    }

    /// Model files written before `columns` existed are C-MAPSS models.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sensors = try container.decode([Int].self, forKey: .sensors)
        window = try container.decode(Int.self, forKey: .window)
        columns = try container.decodeIfPresent([String].self, forKey: .columns) ?? Self.cmapssColumns
    }

    /// Features at the last row of `history` (each row a cycle's columns, oldest first).
    /// - Parameter age: the unit's cycles so far, when the history does not start at its first.
    public func features(_ history: ArraySlice<[Double]>, age: Double? = nil) -> [Double] {
        let recent = history.suffix(window)
        let count = Double(recent.count)
        var result: [Double] = []
        result.reserveCapacity(sensors.count * 4 + 1)
        // Slope over cycle index 0…n−1: Σ(x − x̄)(y − ȳ) / Σ(x − x̄)².
        let meanIndex = (count - 1) / 2
        var spread = 0.0
        for index in 0..<recent.count { spread += (Double(index) - meanIndex) * (Double(index) - meanIndex) }
        for sensor in sensors {
            let column = sensor - 1
            var sum = 0.0
            for row in recent { sum += row[column] }
            let mean = sum / count
            var variance = 0.0
            var covariance = 0.0
            for (index, row) in recent.enumerated() {
                let deviation = row[column] - mean
                variance += deviation * deviation
                covariance += (Double(index) - meanIndex) * deviation
            }
            result.append(recent.last![column])
            result.append(mean)
            result.append((variance / count).squareRoot())
            result.append(spread > 0 ? covariance / spread : 0)
        }
        result.append(age ?? Double(history.count))
        return result
    }
}
