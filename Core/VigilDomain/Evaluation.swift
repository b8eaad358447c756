/// The evaluator's verdict on one reading, retained on `evaluation/<asset>`.
public struct Evaluation: Sendable, Equatable, Codable {
    public var v = 1
    public var site: TopicLevel
    public var asset: TopicLevel
    public var kind: AssetKind
    public var seq: UInt64
    public var ts: Timestamp
    public var health: Health
    /// The worst finding's level, so a dashboard colours an asset without reading its findings.
    public var severity: Level
    public var findings: [Finding]
    /// What the asset's model expects and derives from the reading (a battery string's
    /// compensated float target, its worst jar's deviation), so an operator sees expected beside
    /// actual. Absent when the profile derives nothing.
    public var derived: [String: Double]?
    /// Expected against actual for every quantity with a learned baseline, and the robust z-score
    /// between them. Absent while the baselines are still being learned.
    public var residuals: [Residual]?
    /// State of health, 0–1, where the profile has one (a battery string: its weakest jar).
    public var soh: Double?
    /// Remaining useful life with its interval, where a model or a trend gives one.
    public var rul: RemainingLife?
    /// When trending quantities will cross their limits, soonest first.
    public var forecasts: [Forecast]?

    public init(
        site: TopicLevel, asset: TopicLevel, kind: AssetKind, seq: UInt64, ts: Timestamp, health: Health,
        findings: [Finding], derived: [String: Double]? = nil, residuals: [Residual]? = nil
    ) {
        self.site = site
        self.asset = asset
        self.kind = kind
        self.seq = seq
        self.ts = ts
        self.health = health
        self.findings = findings
        self.derived = derived
        self.residuals = residuals
        severity = findings.map { Level($0.severity) }.max() ?? .normal
    }

    /// `watch` is an `info` finding: a deviation from the asset's own normal that is not yet a
    /// fault, worth a look on the next round but not an alarm.
    public enum Level: String, Sendable, Codable, Comparable {
        case normal, watch, warning, critical

        init(_ severity: Severity) {
            switch severity {
            case .info: self = .watch
            case .warning: self = .warning
            case .critical: self = .critical
            }
        }

        private var rank: Int {
            switch self {
            case .normal: 0
            case .watch: 1
            case .warning: 2
            case .critical: 3
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    public struct RemainingLife: Sendable, Equatable, Codable {
        public var p10: Double
        public var p50: Double
        public var p90: Double
        /// `cycles` for cycle-counted data (C-MAPSS), `days` otherwise.
        public var unit: String
        /// The model or method and its version, so a figure can be traced to what produced it.
        public var model: String
        /// What the estimate was made from.
        public var inputs: String
        /// The probability of reaching end of life within `horizon` (same unit), read from the
        /// same P10–P90 distribution.
        public var risk: Double
        public var horizon: Double

        public init(
            p10: Double, p50: Double, p90: Double, unit: String, model: String, inputs: String, risk: Double,
            horizon: Double
        ) {
            self.p10 = p10
            self.p50 = p50
            self.p90 = p90
            self.unit = unit
            self.model = model
            self.inputs = inputs
            self.risk = risk
            self.horizon = horizon
        }
    }

    /// "approach reaches 5 K in 19 days (14–27)": a limit and the days until the trend crosses it.
    public struct Forecast: Sendable, Equatable, Codable {
        public var metric: String
        public var limit: Double
        public var p10: Double
        public var p50: Double
        public var p90: Double

        public init(metric: String, limit: Double, p10: Double, p50: Double, p90: Double) {
            self.metric = metric
            self.limit = limit
            self.p10 = p10
            self.p50 = p50
            self.p90 = p90
        }
    }

    public struct Residual: Sendable, Equatable, Codable {
        /// The quantity, e.g. `condenser_approach_c`; its baseline may be one load bin's.
        public var metric: String
        public var expected: Double
        public var actual: Double
        /// `(actual − expected) / spread`, the spread being the baseline's robust standard deviation.
        public var z: Double

        public init(metric: String, expected: Double, actual: Double, z: Double) {
            self.metric = metric
            self.expected = expected
            self.actual = actual
            self.z = z
        }
    }

    /// A 0–100 score with the inputs that drive it, so an operator can see *why* it is 62.
    public struct Health: Sendable, Equatable, Codable {
        public var score: Double
        public var primaryConcern: String?
        public var breakdown: [Contribution]

        public init(score: Double, primaryConcern: String?, breakdown: [Contribution]) {
            self.score = score
            self.primaryConcern = primaryConcern
            self.breakdown = breakdown
        }

        enum CodingKeys: String, CodingKey {
            case score, breakdown
            case primaryConcern = "primary_concern"
        }
    }

    public struct Contribution: Sendable, Equatable, Codable {
        public var metric: String
        public var score: Double
        public var weight: Double
        /// `score × weight / Σweight`: the points this metric adds to the total.
        public var contribution: Double

        public init(metric: String, score: Double, weight: Double, contribution: Double) {
            self.metric = metric
            self.score = score
            self.weight = weight
            self.contribution = contribution
        }
    }
}

/// One thing the evaluator found, with the inputs that triggered it and what to do about it.
public struct Finding: Sendable, Equatable, Codable {
    /// Stable reason code, e.g. `jar_voltage_low`; the alerter keys alarms on `(asset, code)`.
    public var code: TopicLevel
    public var severity: Severity
    public var metric: String
    /// 1-based jar number when the finding concerns one jar of a string.
    public var jar: Int?
    public var value: Double
    public var limit: Double
    public var message: String
    public var recommendation: String

    public init(
        code: TopicLevel, severity: Severity, metric: String, jar: Int? = nil, value: Double, limit: Double,
        message: String, recommendation: String
    ) {
        self.code = code
        self.severity = severity
        self.metric = metric
        self.jar = jar
        self.value = value
        self.limit = limit
        self.message = message
        self.recommendation = recommendation
    }
}
