extension RunToFailureSet {
    /// One recorded value of one asset, as the recorder's history export gives it.
    public struct Sample: Sendable, Equatable {
        public var asset: String
        /// Seconds since the epoch.
        public var time: Double
        public var metric: String
        public var value: Double

        public init(asset: String, time: Double, metric: String, value: Double) {
            self.asset = asset
            self.time = time
            self.metric = metric
            self.value = value
        }
    }

    /// A site's own run-to-failure history: every asset that failed becomes a unit whose cycles
    /// are its readings averaged over `cycleSeconds`, from its first reading to the cycle it
    /// failed in (the last cycle, zero life left).
    ///
    /// Only metrics that every failed asset reports are kept, so a model never waits for a value
    /// one pump model lacks; a cycle without a value keeps the previous cycle's, and cycles before
    /// an asset's first complete one are dropped. Counters that only ever grow (run hours, cycle
    /// counts) would teach age, not wear: metrics named in `excluded` are left out.
    ///
    /// - Parameter failures: asset → when it failed, seconds since the epoch.
    public init(
        samples: [Sample], failures: [String: Double], cycleSeconds: Double, excluded: Set<String> = []
    ) throws(PrognosticsError) {
        guard cycleSeconds > 0, cycleSeconds.isFinite else { throw PrognosticsError("the cycle must be positive") }
        guard failures.count >= 1 else { throw PrognosticsError("no failures given") }
        var byAsset: [String: [Sample]] = [:]
        for sample in samples where sample.value.isFinite && !excluded.contains(sample.metric) {
            guard let failed = failures[sample.asset], sample.time <= failed else { continue }
            byAsset[sample.asset, default: []].append(sample)
        }
        for asset in failures.keys.sorted() where byAsset[asset] == nil {
            throw PrognosticsError("asset \(asset) failed but has no history before its failure")
        }
        var metrics: Set<String>?
        for samples in byAsset.values {
            let reported = Set(samples.map(\.metric))
            metrics = metrics.map { $0.intersection(reported) } ?? reported
        }
        let columns = (metrics ?? []).sorted()
        guard !columns.isEmpty else { throw PrognosticsError("no metric is reported by every failed asset") }
        let index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        var units: [Unit] = []
        for (number, asset) in byAsset.keys.sorted().enumerated() {
            let samples = byAsset[asset]!
            let start = samples.map(\.time).min()!
            let last = Int(((failures[asset]! - start) / cycleSeconds).rounded(.down))
            var sums = Array(repeating: Array(repeating: 0.0, count: columns.count), count: last + 1)
            var counts = Array(repeating: Array(repeating: 0, count: columns.count), count: last + 1)
            for sample in samples {
                guard let column = index[sample.metric] else { continue }
                let cycle = min(last, Int(((sample.time - start) / cycleSeconds).rounded(.down)))
                sums[cycle][column] += sample.value
                counts[cycle][column] += 1
            }
            var rows: [[Double]] = []
            var previous: [Double?] = Array(repeating: nil, count: columns.count)
            for cycle in 0...last {
                for column in columns.indices where counts[cycle][column] > 0 {
                    previous[column] = sums[cycle][column] / Double(counts[cycle][column])
                }
                let row = previous.compactMap { $0 }
                if row.count == columns.count { rows.append(row) }
            }
            guard rows.count >= 2 else {
                throw PrognosticsError(
                    "asset \(asset): fewer than 2 cycles of \(Int(cycleSeconds)) s before its failure")
            }
            units.append(Unit(id: number + 1, sensors: rows))
        }
        self.init(units: units, metrics: columns)
    }

    /// 1-based numbers of the columns that move: a constant column teaches nothing.
    public var informativeColumns: [Int] {
        metrics.indices.filter { column in
            var low = Double.infinity
            var high = -Double.infinity
            for unit in units {
                for row in unit.sensors {
                    low = min(low, row[column])
                    high = max(high, row[column])
                }
            }
            return high - low > 1e-9 * max(1, abs(high))
        }.map { $0 + 1 }
    }
}
