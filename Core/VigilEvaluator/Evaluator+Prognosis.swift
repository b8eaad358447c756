import VigilDomain
import VigilPrognostics

extension Evaluator {
    /// What a learned RUL model needs of a unit: its recent cycles' 21 sensors and its age.
    struct History: Sendable, Equatable {
        var rows: [[Double]] = []
        var age: Double?
    }

    static let sensorNames = (1...21).map { $0 < 10 ? "sensor_0\($0)" : "sensor_\($0)" }

    /// The learned model's RUL for an asset of a kind it was trained for (C-MAPSS engines replayed
    /// as `turbofan`), once the reading carries all 21 sensors. Cheap enough for every reading:
    /// the trees are evaluated, never refitted here.
    func learnedLife(_ reading: Reading, state: inout EvaluatorState) -> Evaluation.RemainingLife? {
        guard let model = rul.model, rul.kinds.contains(reading.kind.rawValue) else { return nil }
        var row: [Double] = []
        row.reserveCapacity(Self.sensorNames.count)
        for name in Self.sensorNames {
            guard let value = reading.values.scalars[name] else { return nil }
            row.append(value)
        }
        let asset = reading.asset.rawValue
        var history = state.histories[asset] ?? History()
        let cycle = reading.values.scalars["cycle"]
        // A cycle again or back (a redelivery, another unit under the same name) starts afresh.
        if let cycle, let age = history.age, cycle <= age { history = History() }
        history.rows.append(row)
        if history.rows.count > model.features.window {
            history.rows.removeFirst(history.rows.count - model.features.window)
        }
        history.age = cycle
        state.histories[asset] = history
        // A window the model was not trained on (a restart late in a unit's life leaves one row at
        // age 150) would give a figure with nothing behind it: wait until it is full.
        let needed = min(model.features.window, Int(min(cycle ?? .infinity, Double(model.features.window))))
        guard history.rows.count >= needed else { return nil }
        let prediction = model.predict(history.rows[...], age: history.age)
        return Evaluation.RemainingLife(
            p10: Self.round(prediction.p10), p50: Self.round(prediction.p50), p90: Self.round(prediction.p90),
            unit: "cycles", model: model.version,
            inputs:
                "\(model.features.names.count) features: last, mean, std and slope over \(model.features.window) "
                + "cycles of \(model.features.sensors.count) sensors, and the cycle",
            risk: Self.round(RULModel.risk(prediction, within: rul.horizon)), horizon: rul.horizon)
    }
}
