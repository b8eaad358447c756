public import VigilDomain

extension SimulatedSite {
    /// Starts `scenario` on `asset` at `elapsed` simulated seconds (in the future, or now). A start
    /// in the past takes effect from the next sample as if it had begun then, without rewriting
    /// the history already simulated.
    public mutating func start(_ scenario: Scenario, asset: TopicLevel, at elapsed: Double) throws(SimulatorError) {
        guard let index = assets.firstIndex(where: { $0.id == asset }) else {
            throw SimulatorError("no asset \(asset) on the simulated site")
        }
        guard scenario.kinds.contains(assets[index].kind) else {
            throw SimulatorError("\(scenario.name) does not apply to \(asset) (\(assets[index].kind))")
        }
        if let problem = scenario.problem(jars: Self.jarsPerString) {
            throw SimulatorError("\(scenario.name) on \(asset): \(problem)")
        }
        guard elapsed.isFinite else { throw SimulatorError("\(scenario.name) on \(asset): start must be finite") }
        let scheduled = SiteConfiguration.ScheduledScenario(scenario, asset: asset, start: elapsed)
        switch models[index] {
        case .battery(var string):
            string.scenarios.append(scheduled)
            models[index] = .battery(string)
        case .chiller(var chiller):
            chiller.scenarios.append(scheduled)
            models[index] = .chiller(chiller)
        case .pump(var pump):
            pump.scenarios.append(scheduled)
            models[index] = .pump(pump)
        }
    }

    /// What is really going on with `asset` at the latest sample, or nil for an unknown asset.
    public func groundTruth(_ asset: TopicLevel) -> GroundTruth? {
        guard let index = assets.firstIndex(where: { $0.id == asset }) else { return nil }
        switch models[index] {
        case .battery(let string):
            let failure = string.timeToFailure(climate: configuration.climate)
            return GroundTruth(
                asset: asset, elapsed: elapsed, scenarios: Self.active(string.scenarios, at: elapsed),
                profile: string.profile, stateOfHealth: string.soh.min(), jarStateOfHealth: string.soh,
                stateOfCharge: string.soc.min(), onBattery: string.outage != nil,
                timeToFailure: failure.seconds.isFinite ? failure.seconds : nil,
                failureCriterion: failure.seconds.isFinite ? failure.criterion : nil)
        case .chiller(let chiller):
            let failure = chiller.timeToFailure(at: elapsed)
            return GroundTruth(
                asset: asset, elapsed: elapsed, scenarios: Self.active(chiller.scenarios, at: elapsed),
                timeToFailure: failure?.seconds, failureCriterion: failure?.criterion)
        case .pump(let pump):
            let failure = pump.timeToFailure(at: elapsed)
            return GroundTruth(
                asset: asset, elapsed: elapsed, scenarios: Self.active(pump.scenarios, at: elapsed),
                timeToFailure: failure?.seconds, failureCriterion: failure?.criterion)
        }
    }

    private static func active(_ scenarios: [SiteConfiguration.ScheduledScenario], at elapsed: Double) -> [String] {
        scenarios.filter { $0.start <= elapsed }.sorted { $0.start < $1.start }.map(\.scenario.name)
    }
}
