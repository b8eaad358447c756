extension RULModel {
    public struct TrainingOptions: Sendable, Equatable {
        public var trees = BoostedTrees.Parameters(iterations: 400, learningRate: 0.05)
        /// Share of units held out to calibrate the intervals and report validation figures.
        public var heldOut = 0.2
        /// Truncation points drawn in each held-out unit, as the official test set truncates.
        public var truncationsPerUnit = 10
        /// Held-out units are cut no earlier than this: a prediction is asked of an engine with
        /// some history (NASA's test trajectories have at least 31 cycles).
        public var minimumHistory = 31
        public var seed: UInt64 = 1
        /// Labels are capped here, cycles.
        public var cap = RULModel.cap
        /// Seconds a cycle, for histories averaged into cycles; stored with the model.
        public var cycleSeconds: Double?

        public init() {}
    }

    /// Trains on every unit's every cycle. First a model on all but the held-out units: its errors
    /// on them, truncated at random cycles, give the intervals and the validation figures. Then
    /// the model kept, on all units. `progress` gets lines worth showing on a terminal.
    public static func train(
        _ set: RunToFailureSet, features: WindowFeatures = WindowFeatures(),
        options: TrainingOptions = TrainingOptions(),
        progress: (String) -> Void = { _ in }
    ) throws(PrognosticsError) -> RULModel {
        guard set.units.count >= 5 else { throw PrognosticsError("need at least 5 run-to-failure units") }
        var random = Shuffle(seed: options.seed)
        let order = random.shuffled(Array(set.units.indices))
        let heldCount = max(1, Int((Double(set.units.count) * options.heldOut).rounded()))
        let held = order.prefix(heldCount).map { set.units[$0] }
        let kept = order.dropFirst(heldCount).map { set.units[$0] }

        progress("calibrating on \(kept.count) units, holding out \(held.count)")
        let cap = options.cap
        let (calibrationRows, calibrationTargets) = Self.samples(kept, features, cap: cap)
        let calibration = BoostedTrees.fit(
            rows: calibrationRows, targets: calibrationTargets, parameters: options.trees,
            progress: { Self.report("calibration", $0, options.trees.iterations, progress) })
        var residuals: [(predicted: Double, residual: Double)] = []
        var cuts: [(predicted: Double, truth: Double)] = []
        for unit in held {
            // Cut where a unit could be asked about: after `minimumHistory` cycles, as in NASA's test set.
            let first = min(options.minimumHistory, unit.cycles)
            for _ in 0..<options.truncationsPerUnit {
                let cycle = first + random.next(upTo: unit.cycles - first + 1)
                let predicted = min(cap, max(0, calibration.predict(features.features(unit.sensors[..<cycle]))))
                let truth = min(cap, Double(unit.cycles - cycle))
                residuals.append((predicted, truth - predicted))
                cuts.append((predicted, truth))
            }
        }
        let bands = Self.bands(residuals, cap: cap)
        // Validation on every cut: a few held-out units, one cut each, would say more about the draw.
        let validation = RULScore(
            predictions: cuts.map { cut in
                let band = bands.first { cut.predicted <= $0.upTo } ?? bands.last!
                return Prediction(
                    p10: max(0, cut.predicted + band.p10), p50: cut.predicted, p90: max(0, cut.predicted + band.p90))
            }, truth: cuts.map(\.truth))
        progress("held-out units, \(options.truncationsPerUnit) random cuts each: \(validation)")

        let (rows, targets) = Self.samples(set.units, features, cap: cap)
        let trees = BoostedTrees.fit(
            rows: rows, targets: targets, parameters: options.trees,
            progress: { Self.report("final", $0, options.trees.iterations, progress) })
        let parameters = options.trees
        let settings =
            "gbt \(parameters.iterations)x\(parameters.maximumDepth) lr \(parameters.learningRate) "
            + "w\(features.window) cap \(Int(cap))" + (options.cycleSeconds.map { " cycle \(Int($0))s" } ?? "")
        var model = RULModel(
            format: Self.format, version: "", features: features, trees: trees, bands: bands,
            summary: Summary(
                units: set.units.count, rows: rows.count, heldOutUnits: held.count,
                heldOutPredictions: residuals.count, rmse: validation.rmse, score: validation.score,
                coverage: validation.coverage), labelCap: cap, cycleSeconds: options.cycleSeconds)
        model.version = "\(settings) #\(Self.fingerprint(model))"
        return model
    }

    /// Every cycle of every unit, with its capped remaining life.
    static func samples(_ units: [RunToFailureSet.Unit], _ features: WindowFeatures, cap: Double) -> (
        [[Double]], [Double]
    ) {
        var rows: [[Double]] = []
        var targets: [Double] = []
        for unit in units {
            for cycle in 1...unit.cycles {
                rows.append(features.features(unit.sensors[..<cycle]))
                targets.append(min(cap, Double(unit.cycles - cycle)))
            }
        }
        return (rows, targets)
    }

    /// P10 and P90 of the residuals in bands of predicted RUL, each with at least 30 residuals
    /// (the last band takes the rest), so a short prediction gets a narrow band and a long one a
    /// wide one.
    static func bands(_ residuals: [(predicted: Double, residual: Double)], cap: Double) -> [Band] {
        let sorted = residuals.sorted { $0.predicted < $1.predicted }
        var bands: [Band] = []
        var start = 0
        for edge in stride(from: cap / 5, through: cap, by: cap / 5) {
            var end = start
            while end < sorted.count && sorted[end].predicted <= edge { end += 1 }
            guard end - start >= 30, sorted.count - end >= 30 else { continue }
            bands.append(Self.band(upTo: edge, sorted[start..<end].map(\.residual)))
            start = end
        }
        bands.append(Self.band(upTo: cap, sorted[start...].map(\.residual)))
        return bands
    }

    static func band(upTo: Double, _ residuals: [Double]) -> Band {
        let sorted = residuals.sorted()
        func quantile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let position = q * Double(sorted.count - 1)
            let low = Int(position)
            let high = min(sorted.count - 1, low + 1)
            return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
        }
        return Band(upTo: upTo, p10: quantile(0.1), p90: quantile(0.9))
    }

    static func report(_ stage: String, _ done: Int, _ total: Int, _ progress: (String) -> Void) {
        if done % max(1, total / 4) == 0 || done == total { progress("\(stage): \(done)/\(total) trees") }
    }

    /// FNV-1a over the trees' leaf values and thresholds: two models with the same version are
    /// the same model.
    static func fingerprint(_ model: RULModel) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: Double) {
            var bits = value.bitPattern
            for _ in 0..<8 {
                hash ^= bits & 0xff
                hash &*= 0x0100_0000_01b3
                bits >>= 8
            }
        }
        for tree in model.trees.trees {
            tree.threshold.forEach(mix)
            tree.value.forEach(mix)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
