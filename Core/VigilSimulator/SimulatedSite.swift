public import VigilDomain

/// A small plant room that behaves like a real one: two UPS battery strings of 24 VRLA jars, one
/// chiller and two pumps in a tropical climate, with utility outages, ageing and failures.
///
/// Time is an input (simulated seconds since the start), so tests can ask for minute 5 or year 3
/// without waiting, and the collector can run it many times faster than real time: history is
/// integrated in coarse steps (an hour at most), so a call costs about the same whether it advances
/// a second or a day. The same seed, configuration and sequence of sample times always give the
/// same readings.
///
/// Battery strings report `string_current_a` positive when the string discharges (an outage) and
/// negative when it is charged (about −0.12 A on float, −12 A in recharge current limit);
/// `string_voltage_v` is measured at the string terminals, `ambient_temperature_c` is the battery
/// room sensor the charger compensates on.
public struct SimulatedSite: Sendable {
    public struct Asset: Sendable, Equatable {
        public let id: TopicLevel
        public let kind: AssetKind
    }

    public struct Sample: Sendable, Equatable {
        public let asset: TopicLevel
        public let kind: AssetKind
        public let values: Reading.Values
    }

    enum Model {
        case battery(BatteryStringModel)
        case chiller(ChillerModel)
        case pump(PumpModel)
    }

    public static let jarsPerString = BatteryStringModel.jars
    /// In the demo configuration jar 7 of the first string is failing: its resistance and
    /// temperature climb and its voltage sags, crossing the warning limits within about 20–30 s
    /// and critical within a minute.
    public static let failingString = try! TopicLevel("ups1-str01")
    public static let failingJar = 7
    /// In the demo configuration pump 2 has a loose mounting: vibration episodes of 30 s every
    /// 120 s, starting at 40 s, so an alarm is raised and cleared again while someone watches.
    public static let vibratingPump = try! TopicLevel("pump-2")

    public let assets: [Asset]
    public let seed: UInt64
    public let configuration: SiteConfiguration
    /// Simulated seconds of the latest sample.
    public private(set) var elapsed = 0.0
    var models: [Model]
    private var noise: [SplitMix64]

    /// The demonstration site `make run` shows (`SiteConfiguration.demo`).
    public init(seed: UInt64 = 42) {
        try! self.init(seed: seed, configuration: .demo)
    }

    /// A site set up by `configuration`; throws if a scheduled scenario names an unknown asset,
    /// does not exist on its kind of asset, or has parameters out of range.
    public init(seed: UInt64, configuration: SiteConfiguration) throws(SimulatorError) {
        self.seed = seed
        self.configuration = configuration
        assets = Self.assets(configuration)
        var models: [Model] = []
        var noise: [SplitMix64] = []
        for (index, asset) in assets.enumerated() {
            // Each asset draws from its own stream, so a fault on one never reshuffles another.
            var random = SplitMix64(seed: seed ^ (UInt64(index + 1) &* 0xD1B5_4A32_D192_ED03))
            switch asset.kind {
            case .vrlaString:
                let setup = configuration.strings[asset.id] ?? SiteConfiguration.BatteryString()
                let drawn = AgingProfile.drawn(Double.random(in: 0..<1, using: &random))
                models.append(
                    .battery(BatteryStringModel(profile: setup.profile ?? drawn, setup: setup, random: &random)))
            case .chiller:
                models.append(.chiller(ChillerModel(random: &random)))
            default:
                models.append(.pump(PumpModel(random: &random)))
            }
            noise.append(SplitMix64(seed: random.next()))
        }
        self.models = models
        self.noise = noise
        for scheduled in configuration.scenarios {
            try start(scheduled.scenario, asset: scheduled.asset, at: scheduled.start)
        }
    }

    /// The first two strings, the chiller and the two pumps in their historical order (each
    /// asset's random stream follows from its index), then any further ones of a larger site.
    static func assets(_ configuration: SiteConfiguration) -> [Asset] {
        func string(_ number: Int) -> Asset {
            Asset(id: try! TopicLevel("ups1-str" + (number < 10 ? "0" : "") + String(number)), kind: .vrlaString)
        }
        var assets =
            (1...2).map(string) + [
                Asset(id: try! TopicLevel("chiller-1"), kind: .chiller),
                Asset(id: try! TopicLevel("pump-1"), kind: .pump),
                Asset(id: try! TopicLevel("pump-2"), kind: .pump),
            ]
        // Counts below the small site's are the small site (the settings refuse them anyway).
        assets += (3..<max(3, configuration.stringCount + 1)).map(string)
        assets += (2..<max(2, configuration.chillerCount + 1)).map {
            Asset(id: try! TopicLevel("chiller-\($0)"), kind: .chiller)
        }
        assets += (3..<max(3, configuration.pumpCount + 1)).map {
            Asset(id: try! TopicLevel("pump-\($0)"), kind: .pump)
        }
        return assets
    }

    /// One sample of every asset at `elapsed` simulated seconds. Time only moves forward: an
    /// earlier `elapsed` than the previous call samples the present again.
    public mutating func sample(elapsed: Double) -> [Sample] {
        let now = max(self.elapsed, elapsed.isFinite ? elapsed : self.elapsed)
        let outages = configuration.outages.outages(overlapping: self.elapsed, now + 1, seed: seed)
        self.elapsed = now
        let climate = configuration.climate
        var samples: [Sample] = []
        samples.reserveCapacity(assets.count)
        for index in assets.indices {
            let values: Reading.Values
            switch models[index] {
            case .battery(var string):
                string.advance(to: now, climate: climate, outages: outages)
                values = string.sample(climate: climate, noise: &noise[index])
                models[index] = .battery(string)
            case .chiller(let chiller):
                values = chiller.sample(at: now, climate: climate, noise: &noise[index])
            case .pump(let pump):
                values = pump.sample(at: now, climate: climate, noise: &noise[index])
            }
            samples.append(Sample(asset: assets[index].id, kind: assets[index].kind, values: values))
        }
        return samples
    }
}
