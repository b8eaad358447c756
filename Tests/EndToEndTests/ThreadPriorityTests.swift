import Foundation
import Glibc
import Testing
import VigilMQTT
import VigilTestSupport

/// The recorder's commits must not hold the alarm path off the CPU: by default every one of its
/// threads, the MQTT network thread included, runs in `SCHED_IDLE`, and it says so on its
/// status. The evaluator's and alerter's state savers do too, and nothing else of theirs.
@Suite(.broker, .serialized)
struct ThreadPriorityTests {
    /// The scheduling policy of each thread of `pid`, from `/proc` (field 41 of `stat`, counted
    /// after the command name, which may hold spaces: "mosquitto loop").
    static func policies(_ pid: Int32) -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var result: [String: Int] = [:]
        for task in tasks {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let name = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? task
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // fields[0] is field 3 (the state), so field 41 is fields[38].
            if fields.count > 38, let policy = Int(fields[38]) {
                result["\(task) \(name.trimmingCharacters(in: .whitespacesAndNewlines))"] = policy
            }
        }
        return result
    }

    static let idle = 5

    @Test(.timeLimit(.minutes(1)))
    func everyThreadGivesWayByDefault() async throws {
        let site = "e2e-priority"
        let harness = SiteHarness(site: site, port: Broker.current!.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let recorder = try harness.start("recorder")
        defer { recorder.stop() }
        let said = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/status/recorder" && SiteHarness.status($0)?.counters["idle_priority"] == 1
        }
        #expect(said != nil, "\(recorder.log)")
        let policies = Self.policies(recorder.pid)
        #expect(policies.count >= 3, "\(policies)")
        #expect(policies.keys.contains { $0.hasSuffix("mosquitto loop") }, "\(policies)")
        #expect(policies.values.allSatisfy { $0 == Self.idle }, "\(policies)")
        #expect(recorder.log.contains("giving way to the alarm path"), "\(recorder.log)")
    }

    @Test(.timeLimit(.minutes(1)))
    func staysInTheNormalClassWhenToldTo() async throws {
        let site = "e2e-priority-off"
        let harness = SiteHarness(site: site, port: Broker.current!.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let recorder = try harness.start("recorder", config: "recorder:\n  idle_priority: false\n")
        defer { recorder.stop() }
        let online = await messages.first(within: .seconds(10)) { harness.isStatus($0, "recorder", .online) }
        #expect(online != nil, "\(recorder.log)")
        // Past the first maintenance pass, where the default would have moved the threads.
        try await Task.sleep(for: .milliseconds(500))
        let policies = Self.policies(recorder.pid)
        #expect(policies.count >= 3, "\(policies)")
        #expect(policies.values.allSatisfy { $0 == 0 }, "\(policies)")
        let status = messages.all.last { $0.topic == "vigil/\(site)/status/recorder" }.flatMap(SiteHarness.status)
        #expect(status?.counters["idle_priority"] == nil)
    }

    /// The evaluator and alerter save their state on a thread of their own, which gives way;
    /// every thread on the alarm's path, the network thread first, stays in the normal class.
    @Test(.timeLimit(.minutes(1)), arguments: ["evaluator", "alerter"])
    func onlyTheStateSaverGivesWay(agent: String) async throws {
        let site = "e2e-saver-\(agent)"
        let harness = SiteHarness(site: site, port: Broker.current!.port)
        let (client, messages) = try await harness.watcher()
        defer { Task { await client.disconnect() } }
        let process = try harness.start(agent)
        defer { process.stop() }
        let said = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/status/\(agent)" && SiteHarness.status($0)?.counters["saver_idle"] == 1
        }
        #expect(said != nil, "\(process.log)")
        let policies = Self.policies(process.pid)
        #expect(policies.values.filter { $0 == Self.idle }.count == 1, "\(policies)")
        let network = policies.filter { $0.key.hasSuffix("mosquitto loop") }
        #expect(network.count == 1 && network.values.allSatisfy { $0 == 0 }, "\(policies)")
    }
}
