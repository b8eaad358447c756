/// Each feature's values cut into at most `bins` quantile bins: a value is in the first bin whose
/// upper cut it does not exceed, or in the last bin above every cut. Trees split between bins, so
/// a split on bin `b` is the threshold `cuts[feature][b]`, usable on raw values at prediction.
struct Binning {
    /// Column-major: `binned[feature * count + row]`.
    var binned: [UInt8]
    var cuts: [[Double]]

    init(rows: [[Double]], bins: Int) {
        let count = rows.count
        let features = rows[0].count
        let maximum = max(2, min(bins, 255))
        binned = [UInt8](repeating: 0, count: features * count)
        cuts = []
        var column = [Double](repeating: 0, count: count)
        for feature in 0..<features {
            for row in 0..<count { column[row] = rows[row][feature] }
            let sorted = column.sorted()
            var featureCuts: [Double] = []
            for step in 1..<maximum {
                let value = sorted[min(count - 1, step * count / maximum)]
                // The cut sits below the quantile's value, so equal values stay in one bin.
                if let last = featureCuts.last, value <= last { continue }
                if value > sorted[0] { featureCuts.append(Self.below(value, in: sorted)) }
            }
            cuts.append(featureCuts)
            for row in 0..<count {
                binned[feature * count + row] = UInt8(Self.bin(column[row], featureCuts))
            }
        }
    }

    /// Midway between `value` and the largest value below it, so raw values split as binned ones.
    static func below(_ value: Double, in sorted: [Double]) -> Double {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? (sorted[low - 1] + value) / 2 : value
    }

    static func bin(_ value: Double, _ cuts: [Double]) -> Int {
        var low = 0
        var high = cuts.count
        while low < high {
            let middle = (low + high) / 2
            if value <= cuts[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
