import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// `vigil`, the operator's command, against a real broker and a running alerter: what it prints
/// and the exit codes scripts rely on.
@Suite(.serialized)
struct CLITests {
    static func vigil(_ arguments: [String]) throws -> CommandRun {
        try CommandRun.run(
            "\(AgentProcess.binDirectory)/vigil", arguments,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VIGIL_") }, mergeErrors: false)
    }

    @Test(.timeLimit(.minutes(2)))
    func everyCommandWorksAndSaysWhyWhenItCannot() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let feed = try await AlerterTests.feed("e2e-cli", broker)
        defer { Task { await feed.client.disconnect() } }
        let alerter = try feed.harness.start("alerter")
        defer { alerter.stop() }
        _ = await feed.messages.first(within: .seconds(20)) { feed.harness.isStatus($0, "alerter", .online) }
        let site = ["--site", "e2e-cli", "--broker-port", String(broker.port)]

        let status = try Self.vigil(["status"] + site)
        #expect(status.status == 0, "\(status)")
        #expect(status.output.contains("alerter  online"), "\(status.output)")

        try await feed.evaluation(1, [AlerterTests.finding("jar_voltage_low")])
        _ = await feed.messages.wait(for: .seconds(10)) { _ in feed.retained("jar_voltage_low") != nil }
        let listed = try Self.vigil(["alerts", "--active"] + site)
        #expect(listed.status == 0)
        #expect(listed.output.contains("warning  active_unacked  ups1-str01/jar_voltage_low"), "\(listed.output)")
        #expect(listed.output.hasSuffix("1 alarm\n"))

        let acked = try Self.vigil(["alerts", "ack", "ups1-str01", "jar_voltage_low", "--user", "ana"] + site)
        #expect(acked.status == 0, "\(acked)")
        #expect(acked.output.contains("active_acked acked by ana"), "\(acked.output)")
        let again = try Self.vigil(["alerts", "ack", "ups1-str01", "jar_voltage_low", "--user", "bo"] + site)
        #expect(again.status == 1)
        #expect(again.error.contains("active_acked"), "\(again.error)")
        let unknown = try Self.vigil(["alerts", "shelve", "ups1-str01", "no_such_alarm", "--user", "ana"] + site)
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("no alarm"), "\(unknown.error)")

        let directory = feed.harness.directory
        try #"{"revision": 4, "rules": {"*": {"off_delay_s": -1}}}"#.write(
            toFile: "\(directory)/bad.json", atomically: true, encoding: .utf8)
        let bad = try Self.vigil(["config", "set", "alerter", "\(directory)/bad.json"] + site)
        #expect(bad.status == 65)
        #expect(bad.error.contains("off_delay_s"), "\(bad.error)")
        #expect(try Self.vigil(["config", "get", "alerter"] + site).status == 1, "nothing was published")
        try #"{"revision": 5, "rules": {"*": {"off_delay_s": 0}}}"#.write(
            toFile: "\(directory)/good.json", atomically: true, encoding: .utf8)
        let good = try Self.vigil(["config", "set", "alerter", "\(directory)/good.json"] + site)
        #expect(good.status == 0, "\(good)")
        #expect(good.output == "alerter applied revision 5\n")
        try #"{"revision": 6, "rules": {"*": {"off_delay_s": 10}}, "max_shelve_s": 600}"#.write(
            toFile: "\(directory)/next.json", atomically: true, encoding: .utf8)
        let diff = try Self.vigil(["config", "diff", "alerter", "\(directory)/next.json"] + site)
        #expect(diff.status == 1)
        #expect(
            diff.output == "+ max_shelve_s: 600\n~ revision: 5 → 6\n~ rules.*.off_delay_s: 0 → 10\n", "\(diff.output)")
        #expect(try Self.vigil(["config", "diff", "alerter", "\(directory)/good.json"] + site).status == 0)
        // The same revision with other content: the agent would refuse it, so nothing is published.
        try #"{"revision": 5, "rules": {"*": {"off_delay_s": 20}}}"#.write(
            toFile: "\(directory)/same.json", atomically: true, encoding: .utf8)
        let same = try Self.vigil(["config", "set", "alerter", "\(directory)/same.json"] + site)
        #expect(same.status == 65, "\(same)")
        #expect(same.error.contains("not above the applied 5"), "\(same.error)")
        let got = try Self.vigil(["config", "get", "alerter"] + site)
        #expect(
            got.status == 0 && got.output.contains("\"off_delay_s\": 0"), "the applied document is retained: \(got)")

        let tail = try Self.vigil(["tail", "alert/#", "--count", "1"] + site)
        #expect(tail.status == 0)
        #expect(tail.output.hasPrefix("(retained) alert/ups1-str01/jar_voltage_low  {"), "\(tail.output)")

        let nowhere = try Self.vigil(["status", "--site", "e2e-cli", "--broker-port", String(try Broker.freePort())])
        #expect(nowhere.status == 69)
        #expect(nowhere.error.contains("cannot reach the broker"))
        let usage = try Self.vigil(["alerts", "ack", "a/b", "c", "--user", "ana"] + site)
        #expect(usage.status == 64)
        // History comes from the recorder's database (`RecorderQueryTests` checks the rows).
        let noDatabase = try Self.vigil(["history", "ups1-str01", "--database", "\(directory)/none.db"])
        #expect(noDatabase.status == 66 && noDatabase.error.contains("cannot read"), "\(noDatabase)")
        #expect(try Self.vigil(["history", "ups1 str01", "--database", "\(directory)/none.db"]).status == 64)

        // The alerter goes away: its Last Will says offline, and status says so with exit 1.
        alerter.signal(SIGKILL)
        _ = await alerter.waitForExit(within: .seconds(2))
        _ = await feed.messages.wait(for: .seconds(60)) { _ in
            feed.messages.all.last { $0.topic == "vigil/e2e-cli/status/alerter" }
                .flatMap { SiteHarness.status($0) }?.state == .offline
        }
        let down = try Self.vigil(["status"] + site)
        #expect(down.status == 1)
        #expect(down.output.contains("alerter  offline"), "\(down.output)")
    }
}
