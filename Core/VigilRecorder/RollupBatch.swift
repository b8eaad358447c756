/// A batch's hourly and daily rollups, gathered per asset and hour in the order the metrics come.
///
/// A reading of one asset names the same metrics in the same order as the last one (a battery
/// string: 75 of them), so a name comparison per metric finds its rollup; hashing each
/// (asset, metric, hour) key per reading cost more than the insert of the reading itself.
struct RollupBatch: Sendable {
    struct Slot: Hashable, Sendable {
        var asset: String
        var start: Int64
    }

    fileprivate struct Group: Sendable {
        var names: [String] = []
        var rollups: [Rollup] = []
        /// Built only once a reading's metrics differ from `names`.
        var index: [String: Int]?
    }

    private var groups: [Slot: Group] = [:]

    var isEmpty: Bool { groups.isEmpty }

    mutating func add(asset: String, ts: Int64, metrics: [RecordRow.Metric]) {
        guard !metrics.isEmpty else { return }
        let slot = Slot(asset: asset, start: Rollup.Period.hour.start(of: ts))
        groups[slot, default: Group()].add(metrics)
    }

    /// Every hourly rollup of the batch, and each day's as the merge of its hours.
    func rollups() -> [Rollup.Key: Rollup] {
        var rollups: [Rollup.Key: Rollup] = [:]
        for (slot, group) in groups {
            let day = Rollup.Period.day.start(of: slot.start)
            for (name, rollup) in zip(group.names, group.rollups) {
                rollups[Rollup.Key(period: .hour, asset: slot.asset, metric: name, start: slot.start)] = rollup
                rollups[Rollup.Key(period: .day, asset: slot.asset, metric: name, start: day), default: .init()]
                    .merge(rollup)
            }
        }
        return rollups
    }
}

extension RollupBatch.Group {
    mutating func add(_ metrics: [RecordRow.Metric]) {
        if index == nil, metrics.count <= names.count {
            var same = true
            for (position, metric) in metrics.enumerated() where names[position] != metric.name {
                same = false
                break
            }
            if same {
                for (position, metric) in metrics.enumerated() { rollups[position].add(metric.value) }
                return
            }
        }
        if names.isEmpty {
            names = metrics.map(\.name)
            rollups = metrics.map { metric in
                var rollup = Rollup()
                rollup.add(metric.value)
                return rollup
            }
            return
        }
        var index = self.index ?? Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        for metric in metrics {
            if let position = index[metric.name] {
                rollups[position].add(metric.value)
            } else {
                index[metric.name] = names.count
                names.append(metric.name)
                var rollup = Rollup()
                rollup.add(metric.value)
                rollups.append(rollup)
            }
        }
        self.index = index
    }
}
