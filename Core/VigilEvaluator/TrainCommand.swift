public import ArgumentParser
import VigilPrognostics
import VigilRuntime

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `vigil-evaluator train`: learns a remaining-useful-life model from run-to-failure histories
/// into a versioned model file the evaluator loads (`evaluator.rul.model`).
public struct TrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn a remaining-useful-life model from run-to-failure data: C-MAPSS text, or a site's own "
            + "recorded history with the times its assets failed.")

    @Option(help: "Run-to-failure histories: unit, cycle, 3 settings, 21 sensors a line (NASA C-MAPSS).")
    var cmapss: String?

    @Option(
        help: ArgumentHelp(
            "A site's own history, as `vigil-recorder query <asset> --format csv` writes it "
                + "(ts,asset,seq,quality,metric,value); several assets' exports may be concatenated."))
    var history: String?

    @Option(help: "With --history: `asset,failed_at` lines (RFC 3339), one for each asset that failed.")
    var failures: String?

    @Option(name: .customLong("cycle-s"), help: "With --history: seconds of readings averaged into one cycle.")
    var cycleSeconds: Double = 86_400

    @Option(help: "With --history: a metric to leave out (a counter that only grows teaches age, not wear).")
    var exclude: [String] = []

    @Option(help: "Where to write the model (JSON).")
    var output: String

    @Option(help: "Boosting rounds.") var trees = 400
    @Option(help: "Cycles of history each prediction looks at.") var window = 60
    @Option(help: "Remaining life is learned up to this many cycles (the PHM08 convention is 125).") var cap = 125.0
    @Option(help: "Seed of the held-out split.") var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        guard (10...5000).contains(trees) else { throw ValidationError("--trees must be 10–5000") }
        guard (2...500).contains(window) else { throw ValidationError("--window must be 2–500") }
        guard (cmapss == nil) != (history == nil) else { throw ValidationError("give --cmapss or --history") }
        guard (history == nil) == (failures == nil) else {
            throw ValidationError("--history needs --failures, and --failures needs --history")
        }
        guard cycleSeconds >= 1, cycleSeconds.isFinite else { throw ValidationError("--cycle-s must be at least 1") }
        guard cap >= 5, cap <= 100_000 else { throw ValidationError("--cap must be 5–100000") }
    }

    public func run() throws {
        var options = RULModel.TrainingOptions()
        options.trees.iterations = trees
        options.seed = seed
        options.cap = cap
        let set: RunToFailureSet
        let features: WindowFeatures
        if let cmapss {
            set = try RULFiles.runToFailure(cmapss)
            print("read \(set.units.count) units, \(set.units.reduce(0) { $0 + $1.cycles }) cycles from \(cmapss)")
            features = WindowFeatures(window: window)
        } else {
            set = try RULFiles.siteHistory(
                history!, failures: failures!, cycleSeconds: cycleSeconds, excluded: Set(exclude))
            print(
                "read \(set.units.count) failed assets, \(set.units.reduce(0) { $0 + $1.cycles }) cycles of "
                    + "\(Int(cycleSeconds)) s from \(history!); metrics every one reports: "
                    + set.metrics.joined(separator: ", "))
            features = WindowFeatures(sensors: set.informativeColumns, window: window, columns: set.metrics)
            guard !features.sensors.isEmpty else { throw RULFiles.failure("no metric changes over the history") }
            options.cycleSeconds = cycleSeconds
            // The shortest life is the most a held-out asset can be cut at.
            options.minimumHistory = min(options.minimumHistory, window)
        }
        print(
            "features: \(features.names.count) (last, mean, std and slope over \(window) cycles of "
                + features.sensors.map { features.columns[$0 - 1] }.joined(separator: ", ") + ", and the cycle)")
        let model = try RULFiles.train(set, features: features, options: options)
        try RULFiles.write(model, to: output)
        let summary = model.summary
        print(
            "held-out validation (\(summary.heldOutUnits) units, \(summary.heldOutPredictions) random cuts): rmse=\(RULFiles.format(summary.rmse)) "
                + "score=\(RULFiles.format(summary.score)) coverage=\(RULFiles.format(summary.coverage))")
        print("model \(model.version) written to \(output)")
    }
}
