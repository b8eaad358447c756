import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilStore
import VigilTestSupport

/// Agents against a broker that goes away, comes late, or refuses them; each test owns its broker.
@Suite(.serialized)
struct ResilienceTests {
    @Test(.timeLimit(.minutes(1)))
    func recordingResumesAfterTheBrokerRestarts() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-restart", port: broker.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let agents = [
            try harness.start("recorder"), try harness.start("evaluator"),
            try harness.start("collector", config: "collector:\n  interval_ms: 200\n"),
        ]
        defer {
            for agent in agents { agent.stop() }
        }
        for agent in agents {
            #expect(await messages.first(within: .seconds(10)) { harness.isStatus($0, agent.name, .online) } != nil)
        }
        _ = await messages.first(within: .seconds(5)) { $0.topic.hasPrefix("vigil/e2e-restart/evaluation/") }

        broker.stop()
        try await Task.sleep(for: .seconds(1))
        let restarted = Timestamp.now()
        try broker.restart()

        // Every agent comes back by itself and says so (its birth status), and readings flow again.
        let before = messages.all.count
        for agent in agents {
            let back = await messages.wait(for: .seconds(15)) {
                $0.dropFirst(before).contains { harness.isStatus($0, agent.name, .online) }
            }
            #expect(back.dropFirst(before).contains { harness.isStatus($0, agent.name, .online) }, "\(agent.log)")
        }
        let evaluated = await messages.wait(for: .seconds(10)) {
            $0.dropFirst(before).contains { $0.topic.hasPrefix("vigil/e2e-restart/evaluation/") }
        }
        #expect(evaluated.dropFirst(before).contains { $0.topic.hasPrefix("vigil/e2e-restart/evaluation/") })
        try await Task.sleep(for: .milliseconds(500))
        for agent in agents { #expect(agent.isRunning, "\(agent.name) died:\n\(agent.log)") }

        agents[0].signal(SIGTERM)
        #expect(await agents[0].waitForExit(within: .seconds(2)) == 0)
        let database = try Database(path: "\(harness.directory)/recorder/history.db", readOnly: true)
        defer { database.close() }
        let after = try database.query(
            "SELECT count(*) FROM telemetry WHERE received_ms > ?", .integer(restarted.millisecondsSinceEpoch))
        #expect(after.first?.first != .integer(0), "nothing recorded after the broker restart")
    }

    @Test(.timeLimit(.minutes(1)))
    func anAgentStartedBeforeTheBrokerConnectsWhenItAppears() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        broker.stop()
        let harness = SiteHarness(site: "e2e-late", port: broker.port)
        let evaluator = try harness.start("evaluator")
        defer { evaluator.stop() }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(evaluator.isRunning, "the evaluator gave up without a broker:\n\(evaluator.log)")
        try broker.restart()
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let online = await messages.first(within: .seconds(10)) { harness.isStatus($0, "evaluator", .online) }
        #expect(online != nil, "\(evaluator.log)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aBrokerThatRefusesTheAgentStopsItWithTheReason() async throws {
        let broker = try Broker(users: ["operator": "secret"])
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-auth", port: broker.port)
        let recorder = try harness.start("recorder")
        defer { recorder.stop() }
        #expect(await recorder.waitForExit(within: .seconds(10)) == 1)
        #expect(recorder.log.contains("the broker refused the connection"), "\(recorder.log)")
    }

    @Test(.timeLimit(.minutes(2)))
    func aRecorderStoppedUnderLoadLosesNothing() async throws {
        // The persistent session keeps what arrives while the recorder restarts; the broker must allow
        // that many queued messages (the production configuration does).
        let broker = try Broker(extraConfig: ["max_queued_messages 100000"])
        defer { broker.stop() }
        let harness = SiteHarness(site: "e2e-drain", port: broker.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        var recorder = try harness.start("recorder")
        defer { recorder.stop() }
        #expect(await messages.first(within: .seconds(10)) { harness.isStatus($0, "recorder", .online) } != nil)

        let total = 3000
        // The readings keep coming while the recorder stops and starts again.
        let publisher = Task {
            for seq in 1...total {
                let reading =
                    #"{"v":1,"site":"e2e-drain","asset":"pump-1","kind":"pump","seq":\#(seq),"ts":"2026-11-29T04:00:00.000Z","source":"test","values":{"flow_lps":40}}"#
                let message = MQTTMessage(topic: "vigil/e2e-drain/telemetry/pump-1", payload: Array(reading.utf8))
                if seq % 50 == 0 {
                    try await client.publish(message)
                    try await Task.sleep(for: .milliseconds(25))
                } else {
                    try client.enqueue(message)
                }
            }
        }
        try await Task.sleep(for: .milliseconds(600))
        recorder.signal(SIGTERM)
        #expect(await recorder.waitForExit(within: .seconds(2)) == 0, "\(recorder.log)")
        recorder = try harness.start("recorder")
        try await publisher.value

        let database = "\(harness.directory)/recorder/history.db"
        var stored: [[SQLValue]] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let reader = try Database(path: database, readOnly: true)
            stored = try reader.query("SELECT count(*), min(seq), max(seq) FROM telemetry WHERE asset = 'pump-1'")
            reader.close()
            if stored.first?.first == .integer(Int64(total)) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(stored.first == [.integer(Int64(total)), .integer(1), .integer(Int64(total))], "\(recorder.log)")
    }
}
