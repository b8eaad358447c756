import VigilDomain
import VigilPrognostics

extension Evaluator {
    /// What a learned RUL model needs of a unit: its recent cycles' values and its age; for a
    /// model of cycles in time, the cycle being gathered.
    struct History: Sendable, Equatable, Codable {
        var rows: [[Double]] = []
        var age: Double?
        var cycleStart: Int64?
        var sums: [Double] = []
        var count = 0
        /// The answer at the last closed cycle, repeated until the next one closes.
        var last: Evaluation.RemainingLife?
    }

    /// The learned model's RUL for an asset of a kind it was trained for (C-MAPSS engines replayed
    /// as `turbofan`, or the site's own pumps and chillers), once the reading carries every metric
    /// the model reads. Cheap enough for every reading: the trees are evaluated, never refitted here.
    ///
    /// A C-MAPSS model takes each reading as a cycle (its `cycle` value is the age). A model learned
    /// from a site's history averages readings into cycles of its length, as training did, and
    /// answers in days.
    func learnedLife(_ reading: Reading, state: inout EvaluatorState) -> Evaluation.RemainingLife? {
        guard let model = rul.model, rul.kinds.contains(reading.kind.rawValue) else { return nil }
        var row: [Double] = []
        row.reserveCapacity(model.features.columns.count)
        for name in model.features.columns {
            guard let value = reading.values.scalars[name] else { return nil }
            row.append(value)
        }
        let asset = reading.asset.rawValue
        var history = state.histories[asset] ?? History()
        if let seconds = model.cycleSeconds {
            guard Self.gather(row, at: reading.ts.millisecondsSinceEpoch, seconds: seconds, into: &history) else {
                state.histories[asset] = history
                return history.last
            }
            // A closed cycle is worth keeping across a restart, with the hourly trends.
            state.lifeRevision &+= 1
        } else {
            let cycle = reading.values.scalars["cycle"]
            // A cycle again or back (a redelivery, another unit under the same name) starts afresh.
            if let cycle, let age = history.age, cycle <= age { history = History() }
            history.rows.append(row)
            history.age = cycle
        }
        if history.rows.count > model.features.window {
            history.rows.removeFirst(history.rows.count - model.features.window)
        }
        state.histories[asset] = history
        // A window the model was not trained on (a restart late in a unit's life leaves one row at
        // age 150) would give a figure with nothing behind it: wait until it is full.
        let needed = min(model.features.window, Int(min(history.age ?? .infinity, Double(model.features.window))))
        guard history.rows.count >= max(1, needed) else { return nil }
        var prediction = model.predict(history.rows[...], age: history.age)
        var unit = "cycles"
        if let seconds = model.cycleSeconds {
            let days = seconds / 86_400
            prediction = RULModel.Prediction(
                p10: prediction.p10 * days, p50: prediction.p50 * days, p90: prediction.p90 * days)
            unit = "days"
        }
        let names = model.features.sensors.map { model.features.columns[$0 - 1] }
        let life = Evaluation.RemainingLife(
            p10: Self.round(prediction.p10), p50: Self.round(prediction.p50), p90: Self.round(prediction.p90),
            unit: unit, model: model.version,
            inputs:
                "\(model.features.names.count) features: last, mean, std and slope over \(model.features.window) "
                + "cycles of " + (model.cycleSeconds == nil ? "\(names.count) sensors" : names.joined(separator: ", "))
                + ", and the cycle",
            risk: Self.round(RULModel.risk(prediction, within: rul.horizon)), horizon: rul.horizon)
        if model.cycleSeconds != nil { state.histories[asset]?.last = life }
        return life
    }

    /// Adds a reading to the cycle being gathered; true when that closed a cycle (a new row).
    /// Cycles are counted from the first reading seen: the age the model sees is time watched.
    static func gather(_ row: [Double], at ms: Int64, seconds: Double, into history: inout History) -> Bool {
        let length = Int64(seconds * 1000)
        guard let start = history.cycleStart, ms >= start else {
            // The first reading, or a clock that went back: start gathering here.
            if history.cycleStart != nil { history = History() }
            history.cycleStart = ms
            history.sums = row
            history.count = 1
            return false
        }
        guard ms >= start + length else {
            for index in row.indices { history.sums[index] += row[index] }
            history.count += 1
            return false
        }
        history.rows.append(history.sums.map { $0 / Double(history.count) })
        let passed = (ms - start) / length
        history.age = (history.age ?? 0) + Double(passed)
        history.cycleStart = start + passed * length
        history.sums = row
        history.count = 1
        return true
    }
}
