/// Gradient-boosted regression trees on binned features, the way LightGBM and scikit-learn's
/// `HistGradientBoostingRegressor` grow them: each feature cut into at most `bins` quantile bins
/// once, then every tree split found from per-bin gradient sums instead of sorting.
///
/// Written here rather than taken from a Python library so that a gateway can learn from its own
/// run-to-failure history without a Python stack, and so the model file is ours to keep stable.
/// Squared error only: the intervals around a prediction come from held-out residuals
/// (`RULModel`), not from separate quantile models.
public struct BoostedTrees: Codable, Sendable, Equatable {
    /// One tree as flat arrays; `feature[node] < 0` marks a leaf.
    public struct Tree: Codable, Sendable, Equatable {
        var feature: [Int] = []
        var threshold: [Double] = []
        var left: [Int] = []
        var right: [Int] = []
        var value: [Double] = []

        func predict(_ row: [Double]) -> Double {
            var node = 0
            while feature[node] >= 0 {
                node = row[feature[node]] <= threshold[node] ? left[node] : right[node]
            }
            return value[node]
        }
    }

    public struct Parameters: Sendable, Equatable {
        public var iterations = 200
        public var learningRate = 0.1
        public var maximumDepth = 5
        public var minimumLeaf = 20
        /// L2 regularisation of leaf values.
        public var l2 = 1.0
        public var bins = 64

        public init(iterations: Int = 200, learningRate: Double = 0.1) {
            self.iterations = iterations
            self.learningRate = learningRate
        }
    }

    public var base: Double
    public var learningRate: Double
    public var trees: [Tree]

    public func predict(_ row: [Double]) -> Double {
        var sum = base
        for tree in trees { sum += learningRate * tree.predict(row) }
        return sum
    }

    /// Fits `targets` from `rows` (every row the same length). `progress` is told each finished
    /// tree, so a terminal can show how far training is.
    public static func fit(
        rows: [[Double]], targets: [Double], parameters: Parameters = Parameters(), progress: (Int) -> Void = { _ in }
    ) -> BoostedTrees {
        precondition(rows.count == targets.count && !rows.isEmpty)
        let count = rows.count
        let features = rows[0].count
        let base = targets.reduce(0, +) / Double(count)
        let binning = Binning(rows: rows, bins: parameters.bins)
        var predictions = [Double](repeating: base, count: count)
        var gradients = [Double](repeating: 0, count: count)
        var trees: [Tree] = []
        var grower = TreeGrower(
            binned: binning.binned, cuts: binning.cuts, count: count, features: features, parameters: parameters)
        for iteration in 0..<parameters.iterations {
            for index in 0..<count { gradients[index] = predictions[index] - targets[index] }
            let tree = grower.grow(gradients: gradients)
            for index in 0..<count {
                predictions[index] += parameters.learningRate * tree.value[grower.leafOf[index]]
            }
            trees.append(tree)
            progress(iteration + 1)
        }
        return BoostedTrees(base: base, learningRate: parameters.learningRate, trees: trees)
    }
}
