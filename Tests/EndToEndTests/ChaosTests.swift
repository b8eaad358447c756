import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilStore
import VigilTestSupport

/// `make chaos`: the simulated site at a high rate while every agent and the broker are killed
/// with SIGKILL and restarted at seeded random moments. At the end the history must hold exactly
/// the readings the collector committed, and every agent must be back online.
///
/// `VIGIL_CHAOS_SECONDS` (default 60, what `make test` runs) and `VIGIL_CHAOS_SEED` (default 1)
/// set the run; the same seed kills the same things at the same moments.
@Suite(.serialized)
struct ChaosTests {
    static var seconds: Int { Int(ProcessInfo.processInfo.environment["VIGIL_CHAOS_SECONDS"] ?? "") ?? 60 }
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["VIGIL_CHAOS_SEED"] ?? "") ?? 1 }

    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test(.timeLimit(.minutes(60)))
    func killingEverythingAtRandomLosesAndRepeatsNothing() async throws {
        let broker = try Broker(extraConfig: ["max_queued_messages 1000000"])
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-chaos", port: broker.port)
        let configs = [
            "collector": "collector:\n  interval_ms: 50\n  outbox:\n    ack_timeout_s: 3\n    resend_per_s: 2000\n",
            // A limit inside the chiller's noise: its alarm is raised and cleared every few seconds, so
            // alarm transitions flow all the time and their loss would show.
            "evaluator": "evaluator:\n  limits:\n    chiller:\n      chw_supply_c: {warn_high: 7.08}\n",
            // No off-delay: every clear is a transition too.
            "alerter": "alerter:\n  outbox:\n    ack_timeout_s: 3\n  rules:\n    '*': {off_delay_s: 0}\n",
            "recorder": "",
        ]
        let names = ["collector", "evaluator", "alerter", "recorder"]
        var agents: [String: AgentProcess] = [:]
        for name in names { agents[name] = try harness.start(name, config: configs[name]!) }
        defer {
            for agent in agents.values { agent.stop() }
        }
        var random = Generator(state: Self.seed)
        var kills = 0
        let deadline = ContinuousClock.now + .seconds(Self.seconds)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500 + random.next(2500)))
            // One of the four agents, or the broker one time in five.
            let victim = random.next(5)
            if victim == 4 {
                broker.crash()
                try await Task.sleep(for: .milliseconds(200 + random.next(1500)))
                try broker.restart()
            } else {
                let name = names[victim]
                agents[name]!.signal(SIGKILL)
                _ = await agents[name]!.waitForExit(within: .seconds(2))
                try await Task.sleep(for: .milliseconds(random.next(1000)))
                agents[name] = try harness.start(name, config: configs[name]!)
            }
            kills += 1
        }

        // Quiet: everything comes back, the outbox drains.
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        for name in names {
            let online = await messages.first(within: .seconds(20)) { harness.isStatus($0, name, .online) }
            #expect(online != nil, "\(name) did not come back:\n\(agents[name]!.log)")
        }
        let (committed, missing) = try await NothingLostTests.settle(harness, within: .seconds(90))
        let generated = committed.values.reduce(0, +)
        let database = try Database(path: "\(harness.directory)/recorder/history.db", readOnly: true)
        defer { database.close() }
        var stored: Int64 = 0
        var duplicates: Int64 = 0
        for (asset, last) in committed {
            if case .integer(let count)? = try database.query(
                "SELECT count(*) FROM telemetry WHERE asset = ? AND seq <= ?", .text(asset), .integer(last)
            ).first?.first {
                stored += count
            }
            // One reading stored under two numbers would repeat its time.
            if case .integer(let repeated)? = try database.query(
                "SELECT count(*) - count(DISTINCT ts_ms) FROM telemetry WHERE asset = ?", .text(asset)
            ).first?.first {
                duplicates += repeated
            }
        }
        // Every alarm transition the alerter numbered is in the history: the ledger's watermark
        // for its event stream reaches the last number its outbox committed.
        let events = try NothingLostTests.committed(harness, outbox: "alerter/alerter.db")["alert-events"] ?? 0
        var recorded: Int64 = -1
        var eventRows: Int64 = -1
        let eventsDeadline = ContinuousClock.now + .seconds(30)
        repeat {
            let reader = try Database(path: "\(harness.directory)/recorder/history.db", readOnly: true)
            if case .integer(let value)? = try reader.query(
                "SELECT committed FROM ledger WHERE collector = 'alerter' AND asset = 'alert-events'"
            ).first?.first {
                recorded = value
            }
            if case .integer(let value)? = try reader.query("SELECT count(*) FROM alert_events").first?.first {
                eventRows = value
            }
            reader.close()
            if recorded >= events { break }
            try await Task.sleep(for: .milliseconds(250))
        } while ContinuousClock.now < eventsDeadline
        print(
            "chaos: generated \(generated), stored \(stored), duplicates \(duplicates), "
                + "missing \(generated - stored), alert transitions \(events) recorded \(recorded), "
                + "kills \(kills) (seed \(Self.seed), \(Self.seconds) s)")
        #expect(missing.isEmpty, "\(missing)")
        #expect(stored == generated)
        #expect(duplicates == 0)
        #expect(generated > 0)
        #expect(events > 0, "no alarm transitions: the chaos run checked no alerts")
        #expect(recorded >= events, "alarm transitions lost: \(events) numbered, \(recorded) recorded in sequence")
        #expect(eventRows >= events)
        for name in names { #expect(agents[name]!.isRunning, "\(name) is not running:\n\(agents[name]!.log)") }
    }
}
