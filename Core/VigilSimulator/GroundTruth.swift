public import VigilDomain

/// What is really happening to one asset, which no sensor reports: the yardstick for the
/// evaluator's findings, state of health and remaining-useful-life estimates.
public struct GroundTruth: Sendable, Equatable {
    public var asset: TopicLevel
    /// Simulated seconds of the sample this truth belongs to.
    public var elapsed: Double
    /// Names of the scenarios started on this asset and already active, in start order.
    public var scenarios: [String]
    /// Battery strings: the ageing profile of the string (a jar may override it).
    public var profile: AgingProfile?
    /// Battery strings: state of health of the weakest jar (capacity / rated), which bounds the string.
    public var stateOfHealth: Double?
    /// Battery strings: every jar's state of health, jar 1 first.
    public var jarStateOfHealth: [Double]
    /// Battery strings: state of charge of the emptiest jar.
    public var stateOfCharge: Double?
    /// Battery strings: whether the string is carrying the load in a utility outage.
    public var onBattery: Bool
    /// Seconds until the failure criterion is met, if the asset is on a path to one: for strings,
    /// the weakest jar reaching 80 % SOH at its present temperature (or a runaway jar reaching
    /// 60 °C); for machines, vibration reaching ISO 10816 zone D (7.1 mm/s), the condenser
    /// approach reaching 5 K, the charge falling to 75 % or the current unbalance reaching 10 %.
    public var timeToFailure: Double?
    /// Which criterion `timeToFailure` refers to, e.g. `soh_0.8` or `vibration_7.1`.
    public var failureCriterion: String?

    public init(
        asset: TopicLevel, elapsed: Double, scenarios: [String], profile: AgingProfile? = nil,
        stateOfHealth: Double? = nil, jarStateOfHealth: [Double] = [], stateOfCharge: Double? = nil,
        onBattery: Bool = false, timeToFailure: Double? = nil, failureCriterion: String? = nil
    ) {
        self.asset = asset
        self.elapsed = elapsed
        self.scenarios = scenarios
        self.profile = profile
        self.stateOfHealth = stateOfHealth
        self.jarStateOfHealth = jarStateOfHealth
        self.stateOfCharge = stateOfCharge
        self.onBattery = onBattery
        self.timeToFailure = timeToFailure
        self.failureCriterion = failureCriterion
    }
}
