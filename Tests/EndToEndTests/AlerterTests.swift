import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// The alerter as a process against a real broker, fed evaluations the way the evaluator
/// publishes them, and driven by operator commands the way Node-RED sends them.
@Suite(.serialized)
struct AlerterTests {
    struct Feed {
        let harness: SiteHarness
        let client: MQTTClient
        let messages: StreamRecorder<MQTTMessage>
        let asset = try! TopicLevel("ups1-str01")
        var root: String { "vigil/\(harness.site)" }

        func evaluation(_ seq: UInt64, _ findings: [Finding]) async throws {
            let evaluation = Evaluation(
                site: try TopicLevel(harness.site), asset: asset, kind: .vrlaString, seq: seq, ts: .now(),
                health: .init(score: findings.isEmpty ? 100 : 40, primaryConcern: nil, breakdown: []),
                findings: findings)
            try await client.publish(
                MQTTMessage(
                    topic: "\(root)/evaluation/\(asset)", payload: PayloadCodec.encode(evaluation), retain: true))
        }

        func command(_ code: String, _ action: String, _ body: String) async throws {
            try await client.publish(
                MQTTMessage(topic: "\(root)/command/alert/\(asset)/\(code)/\(action)", payload: Array(body.utf8)))
        }

        var events: [AlertEvent] {
            messages.all.filter { $0.topic == "\(root)/alert-events" }
                .compactMap { try? PayloadCodec.decode(AlertEvent.self, from: $0.payload) }
        }

        func events(_ transition: AlertEvent.Transition) -> [AlertEvent] {
            events.filter { $0.transition == transition }
        }

        func reply(_ code: String, _ action: String, after count: Int = 0) async -> AlertCommandReply? {
            let replies = await messages.wait(for: .seconds(5)) {
                $0.filter { $0.topic == "\(root)/reply/alert/\(asset)/\(code)/\(action)" }.count > count
            }.filter { $0.topic == "\(root)/reply/alert/\(asset)/\(code)/\(action)" }
            guard replies.count > count else { return nil }
            return try? PayloadCodec.decode(AlertCommandReply.self, from: replies[count].payload)
        }

        func retained(_ code: String) -> Alert? {
            guard let last = messages.all.last(where: { $0.topic == "\(root)/alert/\(asset)/\(code)" }) else {
                return nil
            }
            return try? PayloadCodec.decode(Alert.self, from: last.payload)
        }

        func counter(_ name: String) -> Int? {
            messages.all.last { $0.topic == "\(root)/status/alerter" }
                .flatMap { SiteHarness.status($0) }?.counters[name]
        }
    }

    static func finding(_ code: String, message: String = "jar 7 voltage 11.9 V is below 12.0 V") -> Finding {
        Finding(
            code: try! TopicLevel(code), severity: .warning, metric: "jar07.voltage_v", jar: 7, value: 11.9,
            limit: 12.0, message: message, recommendation: "check jar 7")
    }

    static func feed(_ site: String, _ broker: Broker) async throws -> Feed {
        let harness = SiteHarness(site: site, port: broker.port)
        let (client, messages) = try await harness.watcher()
        return Feed(harness: harness, client: client, messages: messages)
    }

    @Test(.timeLimit(.minutes(2)))
    func aFlappingFindingIsOneAlarmNotMany() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let feed = try await Self.feed("e2e-alert-flap", broker)
        defer { Task { await feed.client.disconnect() } }
        let alerter = try feed.harness.start("alerter")
        defer { alerter.stop() }
        _ = await feed.messages.first(within: .seconds(20)) { feed.harness.isStatus($0, "alerter", .online) }
        // A jar hovering at its limit: the finding comes and goes every 200 ms for four seconds.
        for seq in 1...20 {
            try await feed.evaluation(UInt64(seq), seq % 2 == 1 ? [Self.finding("jar_voltage_low")] : [])
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(2))
        #expect(feed.events(.raised).count == 1, "\(feed.events.map(\.transition))\n\(alerter.log)")
        #expect(feed.events(.cleared).isEmpty, "the 30 s off-delay holds it through the flapping")
        #expect(feed.retained("jar_voltage_low")?.state == .activeUnacked)
    }

    @Test(.timeLimit(.minutes(2)))
    func operatorCommandsAreCarriedOutOrRefusedWithAReason() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let feed = try await Self.feed("e2e-alert-cmd", broker)
        defer { Task { await feed.client.disconnect() } }
        let alerter = try feed.harness.start("alerter")
        defer { alerter.stop() }
        _ = await feed.messages.first(within: .seconds(20)) { feed.harness.isStatus($0, "alerter", .online) }
        try await feed.evaluation(1, [Self.finding("jar_voltage_low")])
        _ = await feed.messages.wait(for: .seconds(10)) { _ in !feed.events(.raised).isEmpty }
        try #require(feed.events(.raised).count == 1, "\(alerter.log)")

        try await feed.command("jar_voltage_low", "ack", #"{"user":"ana","comment":"on my way","request_id":"r1"}"#)
        let done = await feed.reply("jar_voltage_low", "ack")
        #expect(done?.ok == true, "\(String(describing: done))")
        #expect(done?.requestID == "r1")
        #expect(done?.alert?.state == .activeAcked)
        _ = await feed.messages.wait(for: .seconds(5)) { _ in feed.retained("jar_voltage_low")?.state == .activeAcked }
        let retained = feed.retained("jar_voltage_low")
        #expect(retained?.state == .activeAcked)
        #expect(retained?.acknowledgedBy == "ana")
        #expect(retained?.comment == "on my way")
        let acknowledged = await feed.messages.wait(for: .seconds(5)) { _ in !feed.events(.acknowledged).isEmpty }
        _ = acknowledged
        #expect(feed.events(.acknowledged).first?.user == "ana")

        // A second acknowledgement: the state does not allow it.
        try await feed.command("jar_voltage_low", "ack", #"{"user":"bo"}"#)
        let twice = await feed.reply("jar_voltage_low", "ack", after: 1)
        #expect(twice?.ok == false)
        #expect(twice?.reason?.contains("active_acked") == true, "\(String(describing: twice))")
        // A malformed body, a wrong type and an unknown alarm: refused, each with the reason.
        try await feed.command("jar_voltage_low", "shelve", #"{"user": "ana", "duration_s": "#)
        let malformed = await feed.reply("jar_voltage_low", "shelve")
        #expect(malformed?.ok == false)
        #expect(malformed?.reason?.isEmpty == false, "\(String(describing: malformed))")
        try await feed.command("jar_voltage_low", "shelve", #"{"user": 42}"#)
        let wrongType = await feed.reply("jar_voltage_low", "shelve", after: 1)
        #expect(wrongType?.reason?.hasPrefix("user:") == true, "\(String(describing: wrongType))")
        try await feed.command("float_voltage_high", "ack", #"{"user":"ana"}"#)
        let unknown = await feed.reply("float_voltage_high", "ack")
        #expect(unknown?.reason?.contains("no alarm") == true, "\(String(describing: unknown))")
        // Shelved for a minute: the retained state says so, with who and until when.
        try await feed.command("jar_voltage_low", "shelve", #"{"user":"ana","duration_s":60}"#)
        let shelved = await feed.reply("jar_voltage_low", "shelve", after: 2)
        #expect(shelved?.ok == true, "\(String(describing: shelved))")
        _ = await feed.messages.wait(for: .seconds(5)) { _ in feed.retained("jar_voltage_low")?.state == .shelved }
        #expect(feed.retained("jar_voltage_low")?.shelvedBy == "ana")
        #expect(feed.retained("jar_voltage_low")?.shelvedUntil != nil)
        _ = await feed.messages.wait(for: .seconds(5)) { _ in (feed.counter("commands_refused") ?? 0) >= 4 }
        #expect(feed.counter("commands_refused") == 4)
        #expect(feed.counter("commands_applied") == 2)
        #expect(alerter.isRunning)
    }

    /// kill -9 twice in an alarm's life: while its on-delay runs, and while it is active. The history
    /// shows one raise and one clear, numbered without a gap, and the on-delay kept its start.
    @Test(.timeLimit(.minutes(3)))
    func killedMidAlarmItRepeatsAndLosesNoTransition() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let feed = try await Self.feed("e2e-alert-kill", broker)
        defer { Task { await feed.client.disconnect() } }
        let config = "alerter:\n  rules:\n    '*': {on_delay_s: 6, off_delay_s: 0}\n"
        var alerter = try feed.harness.start("alerter", config: config)
        defer { alerter.stop() }
        _ = await feed.messages.first(within: .seconds(20)) { feed.harness.isStatus($0, "alerter", .online) }
        let started = Date()
        try await feed.evaluation(1, [Self.finding("jar_voltage_low")])
        // Long enough for the once-a-second save of the half-run delay.
        try await Task.sleep(for: .milliseconds(2500))
        alerter.signal(SIGKILL)
        _ = await alerter.waitForExit(within: .seconds(2))
        alerter = try feed.harness.start("alerter", config: config)
        let restarted = Date()
        _ = await feed.messages.wait(for: .seconds(15)) { _ in !feed.events(.raised).isEmpty }
        let raisedAt = Date()
        #expect(feed.events(.raised).count == 1, "\(alerter.log)")
        #expect(raisedAt.timeIntervalSince(started) >= 5.9)
        // 6 s from the first evaluation, not from the restart.
        #expect(raisedAt.timeIntervalSince(restarted) < 5.5, "the on-delay started again after the restart")

        // Active, killed again: the restart neither raises it again nor forgets it.
        alerter.signal(SIGKILL)
        _ = await alerter.waitForExit(within: .seconds(2))
        alerter = try feed.harness.start("alerter", config: config)
        _ = await feed.messages.first(within: .seconds(20)) { message in
            feed.harness.isStatus(message, "alerter", .online)
                && (SiteHarness.status(message)?.pid ?? 0) == alerter.pid
        }
        try await feed.evaluation(2, [Self.finding("jar_voltage_low")])
        try await feed.evaluation(3, [])
        _ = await feed.messages.wait(for: .seconds(10)) { _ in !feed.events(.cleared).isEmpty }
        try await Task.sleep(for: .seconds(1))
        #expect(feed.events(.raised).count == 1, "\(feed.events.map(\.transition))")
        #expect(feed.events(.cleared).count == 1, "\(feed.events.map(\.transition))\n\(alerter.log)")
        let numbers = Set(feed.events.compactMap(\.seq))
        #expect(numbers == Set(1...UInt64(numbers.count)), "event numbers with a gap or a repeat: \(numbers.sorted())")
        #expect(Set(feed.events.map(\.eventID)).count == Set(numbers).count)
        #expect(feed.retained("jar_voltage_low")?.state == .clearedUnacked)
    }

    /// The hook gets the alarm as data: a message holding shell syntax stays text.
    @Test(.timeLimit(.minutes(2)))
    func theHookReceivesTheAlarmAndRunsNoInjectedShellText() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let feed = try await Self.feed("e2e-alert-hook", broker)
        defer { Task { await feed.client.disconnect() } }
        let directory = feed.harness.directory
        let script = "\(directory)/hook.sh"
        try """
        #!/bin/sh
        printf '%s|%s|%s\\n' "$VIGIL_TRANSITION" "$VIGIL_CODE" "$VIGIL_MESSAGE" >> \(directory)/hook-env.log
        cat >> \(directory)/hook-stdin.log
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let config =
            "alerter:\n  hook:\n    command: [\(script), \"$(touch \(directory)/pwned-arg)\"]\n    min_tier: info\n"
        let alerter = try feed.harness.start("alerter", config: config)
        defer { alerter.stop() }
        _ = await feed.messages.first(within: .seconds(20)) { feed.harness.isStatus($0, "alerter", .online) }
        let hostile = "jar 7 $(touch \(directory)/pwned) `touch \(directory)/pwned2`; touch \(directory)/pwned3"
        try await feed.evaluation(1, [Self.finding("jar_voltage_low", message: hostile)])
        var logged = ""
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            logged = (try? String(contentsOfFile: "\(directory)/hook-env.log", encoding: .utf8)) ?? ""
            if !logged.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(logged == "raised|jar_voltage_low|\(hostile)\n", "\(alerter.log)")
        let stdin = (try? String(contentsOfFile: "\(directory)/hook-stdin.log", encoding: .utf8)) ?? ""
        let event = try? PayloadCodec.decode(AlertEvent.self, from: Array(stdin.utf8.dropLast()))
        #expect(event?.alert.message == hostile)
        for name in ["pwned", "pwned2", "pwned3", "pwned-arg"] {
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/\(name)"), "\(name) was created")
        }
        _ = await feed.messages.wait(for: .seconds(5)) { _ in feed.counter("hook_runs") == 1 }
        #expect(feed.counter("hook_runs") == 1)
        #expect(feed.counter("hook_failed") == nil)
    }

    /// A hook that hangs is killed at its timeout and counted; alarms keep flowing meanwhile.
    @Test(.timeLimit(.minutes(2)))
    func aHangingHookIsCountedAndNeverBlocksTheAlerter() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let feed = try await Self.feed("e2e-alert-hang", broker)
        defer { Task { await feed.client.disconnect() } }
        let config =
            "alerter:\n  rules:\n    '*': {off_delay_s: 0}\n  hook:\n    command: [/bin/sleep, \"30\"]\n"
            + "    timeout_s: 1\n    on: [raised, cleared]\n"
        let alerter = try feed.harness.start("alerter", config: config)
        defer { alerter.stop() }
        _ = await feed.messages.first(within: .seconds(20)) { feed.harness.isStatus($0, "alerter", .online) }
        let started = ContinuousClock.now
        for seq in 1...6 {
            try await feed.evaluation(UInt64(seq), seq % 2 == 1 ? [Self.finding("jar_voltage_low")] : [])
            _ = await feed.messages.wait(for: .seconds(5)) { _ in feed.events.count >= seq }
        }
        #expect(feed.events.count == 6)
        #expect(ContinuousClock.now - started < .seconds(4), "alarms waited for the hook")
        _ = await feed.messages.wait(for: .seconds(15)) { _ in (feed.counter("hook_timeouts") ?? 0) >= 2 }
        #expect((feed.counter("hook_timeouts") ?? 0) >= 2, "\(alerter.log)")
        #expect(alerter.isRunning)
    }

    /// A rule changed through the retained `config/alerter` applies without a restart; an invalid
    /// one is refused with its key and the rules in force stay.
    @Test(.timeLimit(.minutes(2)))
    func aRuleChangedRemotelyAppliesWithoutARestart() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let feed = try await Self.feed("e2e-alert-config", broker)
        defer { Task { await feed.client.disconnect() } }
        let alerter = try feed.harness.start("alerter")
        defer { alerter.stop() }
        _ = await feed.messages.first(within: .seconds(20)) { feed.harness.isStatus($0, "alerter", .online) }
        func configure(_ json: String) async throws {
            try await feed.client.publish(
                MQTTMessage(topic: "\(feed.root)/config/alerter", payload: Array(json.utf8), retain: true))
        }
        func status(_ check: @escaping (AgentStatus) -> Bool) async -> AgentStatus? {
            let found = await feed.messages.first(within: .seconds(10)) { message in
                message.topic == "\(feed.root)/status/alerter" && SiteHarness.status(message).map(check) == true
            }
            return found.flatMap { SiteHarness.status($0) }
        }
        try await configure(#"{"revision": 2, "rules": {"*": {"off_delay_s": -5}}}"#)
        let refused = await status { $0.configError != nil }
        #expect(refused?.configError?.contains("off_delay_s") == true, "\(String(describing: refused?.configError))")

        try await feed.evaluation(1, [Self.finding("jar_voltage_low")])
        _ = await feed.messages.wait(for: .seconds(10)) { _ in !feed.events(.raised).isEmpty }
        try #require(feed.events(.raised).count == 1, "\(alerter.log)")
        // With the shipped 30 s off-delay the alarm holds; the operator shortens it remotely.
        try await configure(#"{"revision": 3, "rules": {"*": {"off_delay_s": 0}}}"#)
        let applied = await status { $0.configRevision == 3 && $0.configError == nil }
        #expect(applied != nil, "\(alerter.log)")
        let pid = alerter.pid
        try await feed.evaluation(2, [])
        _ = await feed.messages.wait(for: .seconds(5)) { _ in !feed.events(.cleared).isEmpty }
        #expect(feed.events(.cleared).count == 1, "the new off-delay did not apply:\n\(alerter.log)")
        #expect(alerter.isRunning && alerter.pid == pid)
    }
}
