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
    /// Hourly rollups held, which bounds the memory of rollups waiting to be written.
    private(set) var count = 0

    var isEmpty: Bool { groups.isEmpty }

    mutating func add(asset: String, ts: Int64, metrics: [RecordRow.Metric]) {
        guard !metrics.isEmpty else { return }
        let slot = Slot(asset: asset, start: Rollup.Period.hour.start(of: ts))
        count += groups[slot, default: Group()].add(metrics)
    }

    /// Adds another batch's rollups, as if its readings had been added here.
    mutating func merge(_ other: RollupBatch) {
        for (slot, group) in other.groups {
            count += groups[slot, default: Group()].merge(group)
        }
    }

    /// Hands over every hourly rollup of the batch, then each day's as the merge of its hours,
    /// without gathering them in one dictionary first: keyed by strings, that dictionary was the
    /// recorder's largest allocation at site load.
    func forEachRollup(_ body: (Rollup.Key, Rollup) throws -> Void) rethrows {
        var days: [Slot: Group] = [:]
        for (slot, group) in groups {
            for (name, rollup) in zip(group.names, group.rollups) {
                try body(Rollup.Key(period: .hour, asset: slot.asset, metric: name, start: slot.start), rollup)
            }
            let day = Slot(asset: slot.asset, start: Rollup.Period.day.start(of: slot.start))
            // A day with one hour in the batch shares that hour's storage; only a second one copies.
            if days[day] == nil { days[day] = group } else { _ = days[day]!.merge(group) }
        }
        for (slot, group) in days {
            for (name, rollup) in zip(group.names, group.rollups) {
                try body(Rollup.Key(period: .day, asset: slot.asset, metric: name, start: slot.start), rollup)
            }
        }
    }
}

extension RollupBatch.Group {
    /// Returns how many metrics were new to the group.
    mutating func add(_ metrics: [RecordRow.Metric]) -> Int {
        combine(metrics.count, name: { metrics[$0].name }, update: { $0.add(metrics[$1].value) })
    }

    /// Returns how many metrics were new to the group.
    mutating func merge(_ other: Self) -> Int {
        combine(other.names.count, name: { other.names[$0] }, update: { $0.merge(other.rollups[$1]) })
    }

    /// Finds the rollup of each of `count` metrics, by position while the names come in the
    /// group's order and through an index once they do not, and hands it to `update`.
    private mutating func combine(
        _ count: Int, name: (Int) -> String, update: (inout Rollup, Int) -> Void
    ) -> Int {
        if index == nil, count <= names.count, (0..<count).allSatisfy({ names[$0] == name($0) }) {
            for position in 0..<count { update(&rollups[position], position) }
            return 0
        }
        var index = self.index ?? Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var added = 0
        for source in 0..<count {
            let metric = name(source)
            if let position = index[metric] {
                update(&rollups[position], source)
            } else {
                index[metric] = names.count
                names.append(metric)
                rollups.append(Rollup())
                update(&rollups[rollups.count - 1], source)
                added += 1
            }
        }
        // A group that took its names from this reading keeps matching by position.
        self.index = names.count == added ? nil : index
        return added
    }
}
