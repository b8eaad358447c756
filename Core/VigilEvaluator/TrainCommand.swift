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
        abstract: "Learn a remaining-useful-life model from run-to-failure data (C-MAPSS text format).")

    @Option(help: "Run-to-failure histories: unit, cycle, 3 settings, 21 sensors a line (NASA C-MAPSS).")
    var cmapss: String

    @Option(help: "Where to write the model (JSON).")
    var output: String

    @Option(help: "Boosting rounds.") var trees = 400
    @Option(help: "Cycles of history each prediction looks at.") var window = 60
    @Option(help: "Seed of the held-out split.") var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        guard (10...5000).contains(trees) else { throw ValidationError("--trees must be 10–5000") }
        guard (5...500).contains(window) else { throw ValidationError("--window must be 5–500") }
    }

    public func run() throws {
        let set = try RULFiles.runToFailure(cmapss)
        print("read \(set.units.count) units, \(set.units.reduce(0) { $0 + $1.cycles }) cycles from \(cmapss)")
        var options = RULModel.TrainingOptions()
        options.trees.iterations = trees
        options.seed = seed
        let features = WindowFeatures(window: window)
        print(
            "features: \(features.names.count) (last, mean, std and slope over \(window) cycles of sensors "
                + "\(features.sensors.map(String.init).joined(separator: ", ")), and the cycle)")
        let model = try RULFiles.train(set, features: features, options: options)
        try RULFiles.write(model, to: output)
        let summary = model.summary
        print(
            "held-out validation (\(summary.heldOutUnits) units, \(summary.heldOutPredictions) random cuts): rmse=\(RULFiles.format(summary.rmse)) "
                + "score=\(RULFiles.format(summary.score)) coverage=\(RULFiles.format(summary.coverage))")
        print("model \(model.version) written to \(output)")
    }
}
