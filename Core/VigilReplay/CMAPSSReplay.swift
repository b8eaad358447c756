public import VigilDomain

/// How to replay a NASA C-MAPSS run-to-failure file (`train_FD001.txt` and its siblings) as a
/// fleet of engines running side by side.
///
/// - Rows: 26 numbers separated by spaces: unit, cycle, three operational settings, 21 sensors.
/// - Assets: unit N is `<assetPrefix>-NNN` (zero-padded to three digits, so `engine-001` sorts
///   before `engine-010`), of kind `kind`.
/// - Metrics: `op_setting_1`…`op_setting_3`, `sensor_01`…`sensor_21` (numbered as NASA's readme
///   numbers them; the paper's physical names such as T24 or Ps30 are not in the files), plus
///   `cycle`, so the evaluator and a RUL model see how far into its life the engine is.
/// - Time: cycles are flights, not wall-clock; cycle N is at `start + N × cycleSeconds` (default one
///   hour a cycle), rounded to the millisecond, so every unit starts together at `start + 1 cycle`.
/// - Order: all units' cycle 1, then all units' cycle 2, … (units ascending within a cycle); a unit
///   drops out after its last cycle, which in the training files is the one at which it failed.
public struct CMAPSSReplay: Sendable, Equatable {
    public var path: String
    public var assetPrefix: String
    public var kind: AssetKind
    /// Simulated seconds per cycle; must be at least a millisecond.
    public var cycleSeconds: Double
    public var start: Timestamp

    /// The value columns of a row, in file order (the unit is the asset, not a metric).
    public static let metrics: [String] =
        ["cycle", "op_setting_1", "op_setting_2", "op_setting_3"]
        + (1...21).map { $0 < 10 ? "sensor_0\($0)" : "sensor_\($0)" }

    public init(
        path: String, assetPrefix: String = "engine", kind: AssetKind = .turbofan, cycleSeconds: Double = 3600,
        start: Timestamp
    ) {
        self.path = path
        self.assetPrefix = assetPrefix
        self.kind = kind
        self.cycleSeconds = cycleSeconds
        self.start = start
    }
}
