/// A remaining-useful-life model learned from run-to-failure histories: boosted trees on window
/// features predict the median RUL; held-out units' residuals, grouped by how much life was
/// predicted, give the P10–P90 band around it.
///
/// Labels are the cycles left, capped at `cap`: early in life an engine shows nothing that tells
/// 300 cycles from 200, and the cap keeps the model from guessing there (the PHM08 convention).
public struct RULModel: Codable, Sendable, Equatable {
    public struct Prediction: Sendable, Equatable {
        public var p10: Double
        public var p50: Double
        public var p90: Double

        public init(p10: Double, p50: Double, p90: Double) {
            self.p10 = p10
            self.p50 = p50
            self.p90 = p90
        }
    }

    /// Residuals (true − predicted) of held-out predictions up to `upTo` cycles predicted.
    public struct Band: Codable, Sendable, Equatable {
        public var upTo: Double
        public var p10: Double
        public var p90: Double
    }

    /// What training saw and how the model did on units it did not train on.
    public struct Summary: Codable, Sendable, Equatable {
        public var units: Int
        public var rows: Int
        public var heldOutUnits: Int
        public var heldOutPredictions: Int
        public var rmse: Double
        public var score: Double
        public var coverage: Double
    }

    /// The PHM08 convention, and the default for a model trained on a site's history.
    public static let cap = 125.0
    public static let format = "vigil-rul/1"

    public var format: String
    /// Names this model: training settings and a hash of the trees, stated in every evaluation.
    public var version: String
    public var features: WindowFeatures
    public var trees: BoostedTrees
    public var bands: [Band]
    public var summary: Summary
    /// The label cap this model learned with, in cycles.
    public var labelCap = RULModel.cap
    /// How long one cycle is, seconds, for a model learned from a site's history (readings
    /// averaged into cycles of this length); nil when each reading is a cycle (C-MAPSS).
    public var cycleSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case format, version, features, trees, bands, summary
        case labelCap = "label_cap"
        case cycleSeconds = "cycle_seconds"
    }

    init(
        format: String, version: String, features: WindowFeatures, trees: BoostedTrees, bands: [Band],
        summary: Summary, labelCap: Double = RULModel.cap, cycleSeconds: Double? = nil
    ) {
        self.format = format
        self.version = version
        self.features = features
        self.trees = trees
        self.bands = bands
        self.summary = summary
        self.labelCap = labelCap
        self.cycleSeconds = cycleSeconds
    }

    /// Model files written before the cap and cycle length were stored are C-MAPSS models.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        version = try container.decode(String.self, forKey: .version)
        features = try container.decode(WindowFeatures.self, forKey: .features)
        trees = try container.decode(BoostedTrees.self, forKey: .trees)
        bands = try container.decode([Band].self, forKey: .bands)
        summary = try container.decode(Summary.self, forKey: .summary)
        labelCap = try container.decodeIfPresent(Double.self, forKey: .labelCap) ?? Self.cap
        cycleSeconds = try container.decodeIfPresent(Double.self, forKey: .cycleSeconds)
    }

    public func predict(_ history: ArraySlice<[Double]>, age: Double? = nil) -> Prediction {
        let median = min(labelCap, max(0, trees.predict(features.features(history, age: age))))
        let band = bands.first { median <= $0.upTo } ?? bands.last!
        return Prediction(p10: max(0, median + band.p10), p50: median, p90: max(0, median + band.p90))
    }

    /// The probability that the unit fails within `horizon`: the predictive distribution read as
    /// piecewise linear through (P10, 10 %), (P50, 50 %), (P90, 90 %), with the tails beyond
    /// stretched by the same widths.
    public static func risk(_ prediction: Prediction, within horizon: Double) -> Double {
        let points: [(x: Double, p: Double)] = [
            (prediction.p10 - 0.25 * (prediction.p50 - prediction.p10), 0), (prediction.p10, 0.1),
            (prediction.p50, 0.5), (prediction.p90, 0.9),
            (prediction.p90 + 0.25 * (prediction.p90 - prediction.p50), 1),
        ]
        if horizon <= points[0].x { return 0 }
        for index in 1..<points.count where horizon <= points[index].x {
            let (x0, p0) = points[index - 1]
            let (x1, p1) = points[index]
            return x1 > x0 ? p0 + (p1 - p0) * (horizon - x0) / (x1 - x0) : p1
        }
        return 1
    }

    /// Why a model read from a file cannot be used (a hand-edited or truncated file), or nil.
    public var problem: String? {
        guard !bands.isEmpty else { return "no interval bands" }
        guard features.window >= 1 else { return "a window of \(features.window) cycles" }
        guard !features.columns.isEmpty,
            !features.sensors.isEmpty, features.sensors.allSatisfy({ (1...features.columns.count).contains($0) })
        else { return "columns outside 1–\(features.columns.count)" }
        guard labelCap > 0, labelCap.isFinite, cycleSeconds.map({ $0 > 0 && $0.isFinite }) ?? true else {
            return "a label cap of \(labelCap) or a cycle of \(String(describing: cycleSeconds)) s"
        }
        let width = features.sensors.count * 4 + 1
        for (index, tree) in trees.trees.enumerated() {
            let nodes = tree.feature.count
            guard nodes > 0, tree.threshold.count == nodes, tree.left.count == nodes, tree.right.count == nodes,
                tree.value.count == nodes
            else { return "tree \(index) is malformed" }
            for node in 0..<nodes where tree.feature[node] >= 0 {
                // Children come after their parent, so a walk always ends at a leaf.
                guard tree.feature[node] < width, tree.left[node] > node, tree.left[node] < nodes,
                    tree.right[node] > node, tree.right[node] < nodes
                else { return "tree \(index) node \(node) points outside the tree" }
            }
        }
        return nil
    }
}
