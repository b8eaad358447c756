public import VigilDomain

/// Everything about the simulated site except its seed: climate, utility outages, how old and
/// how healthy each battery string is, and which failures start where and when.
///
/// The default, `demo`, is what `make run` shows: seasons and outages run in the background,
/// and two scripted demonstration faults raise alarms within the first minute.
public struct SiteConfiguration: Sendable, Equatable {
    /// How one battery string is set up; nil fields are drawn from the seed.
    public struct BatteryString: Sendable, Equatable {
        /// The string's ageing profile; nil draws it from the fleet mix (85/12/3 %).
        public var profile: AgingProfile?
        /// Jars (1-based) that age by another profile than their string, e.g. one bad jar.
        public var jarProfiles: [Int: AgingProfile]
        /// Service age in years at simulated time 0: each jar starts at `1 − rate × age`.
        public var ageYears: Double

        public init(profile: AgingProfile? = nil, jarProfiles: [Int: AgingProfile] = [:], ageYears: Double = 0) {
            self.profile = profile
            self.jarProfiles = jarProfiles
            self.ageYears = ageYears
        }
    }

    /// A scenario that starts on `asset` at `start` simulated seconds.
    public struct ScheduledScenario: Sendable, Equatable {
        public var scenario: Scenario
        public var asset: TopicLevel
        public var start: Double

        public init(_ scenario: Scenario, asset: TopicLevel, start: Double) {
            self.scenario = scenario
            self.asset = asset
            self.start = start
        }
    }

    public var climate: Climate
    public var outages: OutagePlan
    /// Per battery-string asset id; strings not listed use `BatteryString()`.
    public var strings: [TopicLevel: BatteryString]
    public var scenarios: [ScheduledScenario]
    /// How many of each asset the plant room has: a large data centre's 81 strings (1,944 jars)
    /// is how the footprint is benchmarked. The first two strings, one chiller and two pumps are
    /// always the same assets with the same random streams, so a larger site changes none of them.
    public var stringCount = 2
    public var chillerCount = 1
    public var pumpCount = 2

    public init(
        climate: Climate = .tropical(), outages: OutagePlan = .seeded(perYear: 2...8),
        strings: [TopicLevel: BatteryString] = [:], scenarios: [ScheduledScenario] = []
    ) {
        self.climate = climate
        self.outages = outages
        self.strings = strings
        self.scenarios = scenarios
    }

    /// A realistic site: tropical seasons, seeded outages, new strings with seeded profiles and no
    /// scripted faults.
    public static let realistic = SiteConfiguration()

    /// `realistic` plus the two demonstration faults `make run` promises: jar 7 of `ups1-str01`
    /// failing within a minute, and `pump-2` rattling for 30 s every 120 s from 40 s on (3.6 mm/s:
    /// ISO 10816-3 zone C, a warning).
    public static let demo = SiteConfiguration(scenarios: [
        ScheduledScenario(
            .demoJarFailure(jar: SimulatedSite.failingJar), asset: SimulatedSite.failingString, start: 0),
        ScheduledScenario(
            .vibrationEpisodes(period: 120, duration: 30, mmPerSecond: 3.6), asset: SimulatedSite.vibratingPump,
            start: 40),
    ])
}
