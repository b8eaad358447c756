import VigilDomain
import VigilRuntime
public import VigilSimulator

/// The `collector.simulator` section: which simulated site, how fast, and which faults when.
public struct SimulationSettings: Sendable, Equatable {
    public var seed: UInt64
    /// Simulated seconds per real second: a year of ageing plays in minutes at 100,000.
    public var speed: Double
    public var site: SiteConfiguration
    /// How often, in real seconds, the ground truth of every asset is published.
    public var truthInterval: Duration

    static let keys: Set<String> = [
        "seed", "speed", "site", "outages_per_year", "strings", "scenarios", "truth_interval_s", "string_count",
        "chiller_count", "pump_count",
    ]

    init(_ node: ConfigNode) throws(ConfigError) {
        try node.requireOnly(Self.keys)
        seed = UInt64(try node.int("seed", default: 42, in: 0...Int.max))
        speed = try node.double("speed", default: 1, in: 0.001...10_000_000)
        truthInterval = .seconds(try node.int("truth_interval_s", default: 10, in: 1...86_400))
        switch try node.string("site", default: "demo") {
        case "demo": site = .demo
        case "realistic": site = .realistic
        default: throw ConfigError(key: node.key("site"), reason: "expected demo or realistic")
        }
        // At least what the demo's faults and the documentation name; at most a very large room.
        site.stringCount = try node.int("string_count", default: 2, in: 2...500)
        site.chillerCount = try node.int("chiller_count", default: 1, in: 1...50)
        site.pumpCount = try node.int("pump_count", default: 2, in: 2...100)
        if node.contains("outages_per_year") {
            let range = try node.list("outages_per_year")
            guard range.count == 2, let low = range[0].node.intValue, let high = range[1].node.intValue, low >= 0,
                high >= low, high <= 365
            else {
                throw ConfigError(key: node.key("outages_per_year"), reason: "expected [min, max], e.g. [2, 8]")
            }
            site.outages = high == 0 ? .none : .seeded(perYear: low...high)
        }
        for (asset, string) in try node.child("strings").entries() {
            try string.requireOnly(["profile", "age_years", "jar_profiles"])
            let id: TopicLevel
            do {
                id = try TopicLevel(asset, field: string.path)
            } catch {
                throw ConfigError(key: string.path, reason: error.reason)
            }
            var battery = SiteConfiguration.BatteryString(
                ageYears: try string.double("age_years", default: 0, in: 0...30))
            if let profile = try string.optionalString("profile") {
                guard let parsed = AgingProfile(rawValue: profile) else {
                    throw ConfigError(key: string.key("profile"), reason: "expected healthy, accelerated or failing")
                }
                battery.profile = parsed
            }
            // One bad jar in a good string: `jar_profiles: {"7": failing}`.
            let jarProfiles = try string.child("jar_profiles")
            for jar in jarProfiles.keys {
                guard let number = Int(jar), (1...SimulatedSite.jarsPerString).contains(number) else {
                    throw ConfigError(
                        key: jarProfiles.key(jar), reason: "expected a jar number 1…\(SimulatedSite.jarsPerString)")
                }
                guard let parsed = AgingProfile(rawValue: try jarProfiles.string(jar, default: "")) else {
                    throw ConfigError(key: jarProfiles.key(jar), reason: "expected healthy, accelerated or failing")
                }
                battery.jarProfiles[number] = parsed
            }
            site.strings[id] = battery
        }
        for item in try node.list("scenarios") {
            let request = try ScenarioRequest(item, allowStart: true)
            site.scenarios.append(.init(request.scenario, asset: request.asset, start: request.start))
        }
    }
}
