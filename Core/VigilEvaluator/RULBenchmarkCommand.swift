public import ArgumentParser
import VigilPrognostics

/// `vigil-evaluator rul-benchmark`: the reproducible C-MAPSS figure. Trains on TRAIN, predicts the
/// RUL at the last cycle of every unit of TEST, compares with RUL (one true value a line, in unit
/// order), and ends with `rmse=<x> score=<y> coverage=<z>`.
public struct RULBenchmarkCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rul-benchmark",
        abstract: "Train on a C-MAPSS training file and score the predictions on a test file and its RUL file.")

    @Option(help: "Training file (C-MAPSS text format).") var train: String
    @Option(help: "Test file: trajectories that end before failure.") var test: String
    @Option(help: "True RUL of each test unit, one a line, in unit order.") var rul: String

    public init() {}

    public func run() throws {
        let training = try RULFiles.runToFailure(train)
        print("training on \(training.units.count) units from \(train)")
        let model = try RULFiles.train(training, features: WindowFeatures(), options: RULModel.TrainingOptions())
        let testing = try RULFiles.runToFailure(test)
        let truth = try RULFiles.truth(rul)
        guard truth.count == testing.units.count else {
            throw RULFiles.failure(
                "\(rul) has \(truth.count) values but \(test) has \(testing.units.count) units")
        }
        let predictions = testing.units.map { model.predict($0.sensors[...]) }
        let score = RULScore(predictions: predictions, truth: truth)
        print("model \(model.version); \(testing.units.count) test units, true RUL capped at \(Int(RULModel.cap))")
        print(score.description)
    }
}
