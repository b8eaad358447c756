import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilStore
import VigilTestSupport

/// The four built agents as processes against one real broker and a temporary database.
@Suite(.broker, .serialized)
struct PipelineTests {
    func harness(_ site: String) -> SiteHarness { SiteHarness(site: site, port: Broker.current!.port) }

    static func status(_ message: MQTTMessage) -> AgentStatus? { SiteHarness.status(message) }

    @Test(.timeLimit(.minutes(2)))
    func readingsFlowToSQLiteAndTheFailingJarRaisesAnAlert() async throws {
        let site = "e2e-pipeline"
        let harness = harness(site)
        let directory = harness.directory
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let agents = [
            try harness.start("recorder"), try harness.start("alerter"), try harness.start("evaluator"),
            try harness.start(
                "collector", config: "collector:\n  interval_ms: 200\n  simulator:\n    speed: 10\n"),
        ]
        defer {
            for agent in agents { agent.stop() }
        }

        // Jar 7 crosses the resistance limit after about 25 simulated seconds: 2.5 s at 10×.
        let raised = await messages.first(within: .seconds(30)) { message in
            guard message.topic == "vigil/\(site)/alert-events",
                let event = try? PayloadCodec.decode(AlertEvent.self, from: message.payload)
            else { return false }
            return event.alert.asset.rawValue == "ups1-str01" && event.alert.code.rawValue == "jar_resistance_high"
        }
        #expect(raised != nil, "no alert for the failing jar; alerter log:\n\(agents[1].log)")
        let retained = messages.all.last { $0.topic == "vigil/\(site)/alert/ups1-str01/jar_resistance_high" }
        let alert = retained.flatMap { try? PayloadCodec.decode(Alert.self, from: $0.payload) }
        #expect(alert?.jar == 7)
        #expect(alert?.state == .activeUnacked)
        #expect(messages.all.contains { $0.topic == "vigil/\(site)/evaluation/ups1-str01" })
        // Every topic seen is one the README documents.
        let documented = [
            "telemetry/", "evaluation/", "alert/", "alert-events", "status/", "device/", "simulation/", "ack/",
        ]
        for message in messages.all {
            let rest = message.topic.dropFirst("vigil/\(site)/".count)
            #expect(documented.contains { rest.hasPrefix($0) }, "undocumented topic \(message.topic)")
        }

        // Give the recorder a moment to commit the alert event, then stop everything with SIGTERM.
        try await Task.sleep(for: .milliseconds(500))
        for agent in agents.reversed() {
            let started = ContinuousClock.now
            agent.signal(SIGTERM)
            let status = await agent.waitForExit(within: .seconds(2))
            #expect(status == 0, "\(agent.name) did not exit 0 within 2 s after SIGTERM:\n\(agent.log)")
            #expect(ContinuousClock.now - started < .seconds(2))
            let offline = await messages.first(within: .seconds(2)) { message in
                message.topic == "vigil/\(site)/status/\(agent.name)" && Self.status(message)?.state == .offline
            }
            #expect(offline != nil, "status/\(agent.name) never turned offline")
        }

        let database = try Database(path: "\(directory)/recorder/history.db", readOnly: true)
        defer { database.close() }
        let telemetry = try database.query("SELECT count(*), count(DISTINCT asset) FROM telemetry")
        #expect(telemetry.first?[0] != .integer(0))
        #expect(telemetry.first?[1] == .integer(5))
        let events = try database.query(
            "SELECT transition, tier FROM alert_events WHERE asset = 'ups1-str01' AND code = 'jar_resistance_high'")
        #expect(events.first?[0] == .text("raised"))
        let evaluations = try database.query("SELECT count(*) FROM evaluations WHERE asset = 'ups1-str01'")
        #expect(evaluations.first?[0] != .integer(0))
    }

    @Test(.timeLimit(.minutes(1)))
    func badTelemetryIsRefusedCountedAndKept() async throws {
        let site = "e2e-bad"
        let harness = harness(site)
        let directory = harness.directory
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let evaluator = try harness.start("evaluator")
        let recorder = try harness.start("recorder")
        defer {
            evaluator.stop()
            recorder.stop()
        }
        for agent in ["evaluator", "recorder"] {
            let online = await messages.first(within: .seconds(10)) {
                $0.topic == "vigil/\(site)/status/\(agent)" && Self.status($0)?.state == .online
            }
            #expect(online != nil)
        }
        // Let both agents finish subscribing before the bad input arrives.
        try await Task.sleep(for: .milliseconds(300))

        let good =
            #"{"v":1,"site":"e2e-bad","asset":"pump-9","kind":"pump","seq":1,"ts":"2026-11-29T04:00:00.000Z","source":"test","values":{"vibration_mm_s":2.0}}"#
        let bad: [(String, String, String)] = [
            ("telemetry/pump-9", "{oops", "payload"),
            ("telemetry/pump-9", good.replacingOccurrences(of: "\"seq\":1", with: "\"seq\":\"one\""), "seq"),
            ("telemetry/pump-9", good.replacingOccurrences(of: "2.0}", with: "NaN}"), "payload"),
            ("telemetry/pump-9", good.replacingOccurrences(of: "\"kind\":\"pump\",", with: ""), "kind"),
            ("telemetry/pump-9", good.replacingOccurrences(of: "\"pump-9\"", with: "\"pump 9\""), "asset"),
            ("telemetry/pump-9", "{\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}", "payload"),
        ]
        for (topic, payload, _) in bad {
            try await client.publish(MQTTMessage(topic: "vigil/\(site)/\(topic)", payload: Array(payload.utf8)))
        }
        try await client.publish(MQTTMessage(topic: "vigil/\(site)/telemetry/pump-9", payload: Array(good.utf8)))

        let evaluation = await messages.first(within: .seconds(10)) { $0.topic == "vigil/\(site)/evaluation/pump-9" }
        #expect(evaluation != nil, "the evaluator stopped working after bad input:\n\(evaluator.log)")
        let counted = await messages.first(within: .seconds(5)) {
            $0.topic == "vigil/\(site)/status/evaluator" && (Self.status($0)?.counters["rejected"] ?? 0) >= bad.count
        }
        #expect(Self.status(counted ?? MQTTMessage(topic: "", payload: []))?.counters["rejected"] == bad.count)
        #expect(evaluator.isRunning)
        for (_, _, field) in bad {
            #expect(
                evaluator.log.contains(
                    "<4>vigil-evaluator: refused message on vigil/\(site)/telemetry/pump-9: \(field):"), "\(field)")
        }

        recorder.signal(SIGTERM)
        #expect(await recorder.waitForExit(within: .seconds(2)) == 0)
        let database = try Database(path: "\(directory)/recorder/history.db", readOnly: true)
        defer { database.close() }
        let kept = try database.query("SELECT reason FROM invalid_messages ORDER BY id")
        #expect(kept.count == bad.count)
        for (row, (_, _, field)) in zip(kept, bad) {
            guard case .text(let reason)? = row.first else {
                Issue.record("no reason kept")
                continue
            }
            #expect(reason.hasPrefix("\(field): "), "\(reason)")
        }
        #expect(try database.query("SELECT count(*) FROM telemetry").first?.first == .integer(1))
    }

    @Test(.timeLimit(.minutes(1)))
    func aKilledAgentIsReportedOfflineByItsLastWill() async throws {
        let site = "e2e-will"
        let harness = harness(site)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let alerter = try harness.start("alerter")
        defer { alerter.stop() }
        let online = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/status/alerter" && Self.status($0)?.state == .online
        }
        #expect(online != nil)
        alerter.signal(SIGKILL)
        let offline = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/status/alerter" && Self.status($0)?.state == .offline
        }
        #expect(offline != nil, "the Last Will did not report the killed alerter offline")
    }

    @Test(.timeLimit(.minutes(1)))
    func anInvalidConfigFileStopsTheAgentNamingTheKey() async throws {
        let harness = harness("e2e-config")
        let path = "\(harness.directory)/bad.yaml"
        try "broker:\n  keepalive_s: abc\n".write(toFile: path, atomically: true, encoding: .utf8)
        let agent = try AgentProcess(
            "evaluator", arguments: ["--config", path], environment: harness.environment("evaluator"),
            directory: harness.directory)
        #expect(await agent.waitForExit(within: .seconds(5)) == 78)
        #expect(agent.log.contains("config key 'broker.keepalive_s': expected an integer, got \"abc\""), "\(agent.log)")
    }

    @Test(.timeLimit(.minutes(1)))
    func remoteConfigurationIsAppliedWholeOrRefusedWithTheReason() async throws {
        let site = "e2e-remote"
        let harness = harness(site)
        let directory = harness.directory
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let evaluator = try harness.start("evaluator")
        defer { evaluator.stop() }
        let topic = "vigil/\(site)/config/evaluator"
        let good = #"{"revision": 2, "limits": {"pump": {"vibration_mm_s": {"warn_high": 1.0, "crit_high": 9.0}}}}"#
        try await client.publish(MQTTMessage(topic: topic, payload: Array(good.utf8), retain: true))
        let applied = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/status/evaluator" && Self.status($0)?.configRevision == 2
        }
        #expect(applied != nil, "\(evaluator.log)")

        // The same revision with other content is refused: the operator must raise the revision.
        let sameRevision = #"{"revision": 2, "limits": {}}"#
        try await client.publish(MQTTMessage(topic: topic, payload: Array(sameRevision.utf8), retain: true))
        let duplicate = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/status/evaluator" && Self.status($0)?.configError != nil
        }
        #expect(duplicate.flatMap(Self.status)?.configError?.contains("already applied") == true)

        let bad = #"{"revision": 3, "limits": {"pump": {"vibration_mm_s": {"warn_high": "loud"}}}}"#
        try await client.publish(MQTTMessage(topic: topic, payload: Array(bad.utf8), retain: true))
        let refused = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/status/evaluator"
                && Self.status($0)?.configError?.contains("vibration_mm_s.warn_high") == true
        }
        let status = refused.flatMap(Self.status)
        #expect(status?.configRevision == 2)
        #expect(status?.configError?.contains("limits.pump.vibration_mm_s.warn_high") == true)

        // The applied revision is kept on disk for a start without the broker.
        let kept = try String(contentsOfFile: "\(directory)/evaluator/remote-config.json", encoding: .utf8)
        #expect(kept == good)

        // The revision in force still judges: 2 mm/s now warns.
        let reading =
            #"{"v":1,"site":"e2e-remote","asset":"pump-1","kind":"pump","seq":1,"ts":"2026-11-29T04:00:00.000Z","source":"test","values":{"vibration_mm_s":2.0}}"#
        try await client.publish(MQTTMessage(topic: "vigil/\(site)/telemetry/pump-1", payload: Array(reading.utf8)))
        let evaluation = await messages.first(within: .seconds(10)) { $0.topic == "vigil/\(site)/evaluation/pump-1" }
        let findings = evaluation.flatMap { try? PayloadCodec.decode(Evaluation.self, from: $0.payload) }?.findings
        #expect(findings?.map(\.code.rawValue) == ["vibration_high"])
        try await client.publish(MQTTMessage(topic: topic, payload: [], retain: true))
    }
}
