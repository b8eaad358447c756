import Testing
import VigilDomain
import VigilSimulator

@testable import VigilEvaluator

/// The evaluator against the simulator's ground truth: a failing jar, a fouling chiller and a
/// bearing-worn pump must each be flagged with the right reason code before the truth says they
/// fail, and the healthy assets must stay quiet over the same months.
///
/// Hourly samples over most of a year, with the seeded utility outages, tropical seasons and daily
/// load swings running underneath, so the baselines meet what a real site throws at them.
@Suite struct GroundTruthTests {
    static let hour = 3600.0
    static let day = 86_400.0

    struct Outcome {
        /// First time (simulated seconds) each asset was flagged with each code at warning or worse.
        var flagged: [String: [String: Double]] = [:]
        /// Failure time by asset, from the ground truth.
        var failure: [String: Double] = [:]
        /// First time each asset's evaluation rose above `normal`, and the codes then.
        var firstWatch: [String: (at: Double, codes: [String])] = [:]
        /// Evaluations while the asset was healthy, and those above `normal` among them.
        var healthy: [String: Int] = [:]
        var healthyWatch: [String: Int] = [:]
        var healthyAlarms: [String: [String]] = [:]
        /// The sick assets' daily remaining-life estimates against the truth, days.
        var lives: [String: [(truth: Double, p10: Double, p50: Double, p90: Double)]] = [:]
    }

    static func run(days: Double) throws -> Outcome {
        let faultStart = 30 * day
        var configuration = SiteConfiguration.realistic
        configuration.strings = [
            try TopicLevel("ups1-str01"): .init(profile: .healthy, jarProfiles: [7: .failing]),
            try TopicLevel("ups1-str02"): .init(profile: .healthy),
        ]
        configuration.scenarios = [
            .init(.condenserFouling(days: 90), asset: try TopicLevel("chiller-1"), start: faultStart),
            .init(.bearingWear(days: 60), asset: try TopicLevel("pump-1"), start: faultStart),
        ]
        var site = try SimulatedSite(seed: 7, configuration: configuration)
        var evaluator = Evaluator()
        // The simulated chiller's datasheet: 1,460 kW rejected at design into 60 kg/s of water.
        evaluator.rul.chillerDesignRise = 1460 / (60 * 4.19)
        var state = EvaluatorState()
        var outcome = Outcome()
        var sequence: UInt64 = 0
        var elapsed = 0.0
        while elapsed <= days * day {
            for sample in site.sample(elapsed: elapsed) {
                let asset = sample.asset.rawValue
                if outcome.failure[asset] == nil, let truth = site.groundTruth(sample.asset),
                    let remaining = truth.timeToFailure, !truth.scenarios.isEmpty || truth.profile != nil
                {
                    // The failing jar and the active faults: strings on a healthy profile are not
                    // on a path to failure within the test, machines only once a fault started.
                    if remaining < 365 * day { outcome.failure[asset] = elapsed + remaining }
                }
                sequence += 1
                let reading = Reading(
                    site: try TopicLevel("site"), asset: sample.asset, kind: sample.kind, seq: sequence,
                    ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(elapsed * 1000)), source: "sim",
                    values: sample.values)
                guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else {
                    Issue.record("\(asset) at day \(elapsed / day) was rejected")
                    continue
                }
                if ["ups1-str01", "chiller-1", "pump-1"].contains(asset), let life = evaluation.rul,
                    Int(elapsed) % Int(day) == 0, let remaining = site.groundTruth(sample.asset)?.timeToFailure
                {
                    outcome.lives[asset, default: []].append((remaining / day, life.p10, life.p50, life.p90))
                }
                if evaluation.severity > .normal, outcome.firstWatch[asset] == nil {
                    outcome.firstWatch[asset] = (elapsed, evaluation.findings.map(\.code.rawValue))
                }
                let sick =
                    (asset == "ups1-str01") || (elapsed >= faultStart && asset != "ups1-str02" && asset != "pump-2")
                for finding in evaluation.findings where finding.severity >= .warning {
                    if outcome.flagged[asset]?[finding.code.rawValue] == nil {
                        outcome.flagged[asset, default: [:]][finding.code.rawValue] = elapsed
                    }
                }
                if !sick {
                    outcome.healthy[asset, default: 0] += 1
                    if evaluation.severity > .normal { outcome.healthyWatch[asset, default: 0] += 1 }
                    for finding in evaluation.findings where finding.severity >= .warning {
                        outcome.healthyAlarms[asset, default: []].append(
                            "day \(Int(elapsed / day)): \(finding.code) \(finding.message)")
                    }
                }
            }
            elapsed += hour
        }
        return outcome
    }

    @Test func eachFaultIsFlaggedBeforeItFailsAndHealthyAssetsStayQuiet() throws {
        let outcome = try Self.run(days: 330)
        let expected: [(asset: String, code: String)] = [
            ("ups1-str01", "jar_resistance_rise"), ("chiller-1", "approach_rise"), ("pump-1", "vibration_high"),
        ]
        for (asset, code) in expected {
            let failure = try #require(outcome.failure[asset], "no failure time for \(asset)")
            let flagged = try #require(
                outcome.flagged[asset]?[code],
                "\(asset) never flagged \(code); flagged \(outcome.flagged[asset] ?? [:])")
            let lead = (failure - flagged) / Self.day
            print(
                "ground truth: \(asset) \(code) flagged \(Int(lead)) days before failure (day \(Int(flagged / Self.day)))"
            )
            #expect(flagged < failure, "\(asset) flagged \(code) \(-lead) days after its failure")
        }
        for (asset, alarms) in outcome.healthyAlarms {
            Issue.record("false alarms on \(asset): \(alarms.prefix(5))")
        }
        var healthy = 0
        var raised = 0
        for asset in outcome.healthy.keys.sorted() {
            let watch = outcome.healthyWatch[asset, default: 0]
            healthy += outcome.healthy[asset]!
            raised += watch
            print("ground truth: \(asset) above normal in \(watch) of \(outcome.healthy[asset]!) healthy evaluations")
        }
        for (asset, first) in outcome.firstWatch.sorted(by: { $0.key < $1.key }) {
            let failure =
                outcome.failure[asset].map { " (\(Int(($0 - first.at) / Self.day)) days before failure)" } ?? ""
            print(
                "ground truth: \(asset) first above normal on day \(Int(first.at / Self.day))\(failure): \(first.codes)"
            )
        }
        // Remaining life: how often the truth lies inside P10–P90, day by day.
        for asset in ["ups1-str01", "chiller-1", "pump-1"] {
            // Only days before the failure: after it, "0 days" is trivially right.
            let lives = (outcome.lives[asset] ?? []).filter { $0.truth > 0 }
            let inside = lives.filter { $0.truth >= $0.p10 && $0.truth <= $0.p90 }.count
            let errors = lives.filter { $0.truth > 1 }.map { abs($0.p50 - $0.truth) / $0.truth }.sorted()
            print(
                "ground truth: \(asset) RUL inside P10–P90 on \(inside) of \(lives.count) days; median error of P50 "
                    + "\(((errors.isEmpty ? 0 : errors[errors.count / 2]) * 1000).rounded() / 10) % of the true life")
            #expect(lives.count > 30, "\(asset): remaining life published on only \(lives.count) days")
            #expect(Double(inside) / Double(max(1, lives.count)) >= 0.5, "\(asset)")
        }
        // Watch is not an alarm, but a board that is always yellow gets ignored.
        let rate = Double(raised) / Double(max(1, healthy))
        print("ground truth: false-watch rate \(rate * 100) % of \(healthy) healthy evaluations")
        #expect(rate < 0.01)
    }

    /// A jar running away over three days from day 5: flagged `thermal_runaway` before it reaches
    /// 60 °C, the simulator's failure criterion, by the float current or the jar's own heat.
    @Test func thermalRunawayIsFlaggedBeforeTheJarReachesSixtyDegrees() throws {
        let asset = try TopicLevel("ups1-str02")
        let configuration = SiteConfiguration(
            outages: .none, strings: [asset: .init(profile: .healthy)],
            scenarios: [.init(.thermalRunaway(jar: 5, hours: 72), asset: asset, start: 5 * Self.day)])
        var site = try SimulatedSite(seed: 11, configuration: configuration)
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var failure: Double?
        var flagged: (at: Double, metric: String)?
        var forecasts: [(at: Double, p10: Double, p50: Double, p90: Double)] = []
        var sequence: UInt64 = 0
        var elapsed = 0.0
        while elapsed <= 9 * Self.day, flagged == nil {
            let sample = try #require(site.sample(elapsed: elapsed).first { $0.asset == asset })
            if failure == nil, let remaining = site.groundTruth(asset)?.timeToFailure, remaining < 30 * Self.day {
                failure = elapsed + remaining
            }
            sequence += 1
            let reading = Reading(
                site: try TopicLevel("site"), asset: asset, kind: .vrlaString, seq: sequence,
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(elapsed * 1000)), source: "sim",
                values: sample.values)
            guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else {
                Issue.record("rejected on day \(elapsed / Self.day)")
                break
            }
            if flagged == nil,
                let forecast = evaluation.forecasts?.first(where: { $0.metric.hasSuffix("temperature_rise_c") })
            {
                #expect(forecast.metric == "jar05.temperature_rise_c", "\(forecast)")
                forecasts.append((elapsed, forecast.p10, forecast.p50, forecast.p90))
            }
            if let finding = evaluation.findings.first(where: { $0.code.rawValue == "thermal_runaway" }) {
                #expect(elapsed >= 5 * Self.day, "thermal runaway flagged before it began: \(finding.message)")
                flagged = (elapsed, finding.metric)
            }
            elapsed += 600
        }
        let failsAt = try #require(failure, "the simulator named no failure time")
        let at = try #require(flagged, "thermal runaway was never flagged")
        print(
            "ground truth: thermal runaway flagged by \(at.metric) \(Int((failsAt - at.at) / 3600)) h before "
                + "the jar reaches 60 °C")
        #expect(at.at < failsAt)
        // The hottest jar's rise was forecast to reach 10 K before the flag; half a day before it,
        // the forecast's interval holds the time it really took.
        let first = try #require(forecasts.first, "no forecast of the jar's rise before the flag")
        let halfDay = try #require(forecasts.last { at.at - $0.at >= 12 * 3600 })
        let took = (at.at - halfDay.at) / Self.day
        print(
            "ground truth: the rise over the room forecast from \(Int((at.at - first.at) / 3600)) h before the flag; "
                + "12 h before it: \(Int(halfDay.p50 * 24)) h (\(Int(halfDay.p10 * 24))–\(Int(halfDay.p90 * 24))), "
                + "it took \(Int(took * 24)) h")
        #expect(first.at >= 5 * Self.day)
        #expect(took >= halfDay.p10 * 0.8 && took <= halfDay.p90 * 1.25)
    }

    /// A refrigerant leak losing a quarter of the charge over 40 days from day 20: the starved
    /// evaporator's approach leaves its baseline before the charge is low enough to trip.
    @Test func aRefrigerantLeakShowsInTheEvaporatorApproachBeforeItTrips() throws {
        let asset = try TopicLevel("chiller-1")
        let configuration = SiteConfiguration(
            outages: .none, scenarios: [.init(.refrigerantLeak(days: 40), asset: asset, start: 20 * Self.day)])
        var site = try SimulatedSite(seed: 5, configuration: configuration)
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var failure: Double?
        var first: [String: Double] = [:]
        var sequence: UInt64 = 0
        var elapsed = 0.0
        while elapsed <= 70 * Self.day {
            let sample = try #require(site.sample(elapsed: elapsed).first { $0.asset == asset })
            if failure == nil, let remaining = site.groundTruth(asset)?.timeToFailure { failure = elapsed + remaining }
            sequence += 1
            let reading = Reading(
                site: try TopicLevel("site"), asset: asset, kind: .chiller, seq: sequence,
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(elapsed * 1000)), source: "sim",
                values: sample.values)
            guard case .evaluated(let evaluation) = evaluator.evaluate(reading, state: &state) else {
                Issue.record("rejected on day \(elapsed / Self.day)")
                break
            }
            for finding in evaluation.findings where first[finding.code.rawValue] == nil {
                #expect(elapsed >= 20 * Self.day, "\(finding.code) before the leak began: \(finding.message)")
                first[finding.code.rawValue] = elapsed
            }
            elapsed += Self.hour
        }
        let failsAt = try #require(failure, "the simulator named no failure time")
        let flagged = try #require(first["evaporator_approach_anomaly"], "the leak was never seen: \(first)")
        print(
            "ground truth: refrigerant leak seen in the evaporator approach \(Int((failsAt - flagged) / Self.day)) days "
                + "before the low-suction trip; first codes \(first.sorted { $0.value < $1.value }.map(\.key))")
        #expect(flagged < failsAt)
    }
}
