import Foundation
import Testing
import VigilAlerter
import VigilCollector
import VigilDomain
import VigilEvaluator
import VigilRecorder
import VigilRuntime
import VigilTestSupport

/// `broker-config/aclfile` against the code: every topic an agent subscribes to or publishes is
/// granted to its user, and nothing else is.
@Suite struct ACLTests {
    /// `user` sections of the file: (access, pattern) with `readwrite` split into both.
    static func acl() throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: Broker.repositoryRoot + "/broker-config/aclfile", encoding: .utf8)
        var grants: [String: Set<String>] = [:]
        var user: String?
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let first = words.first, !first.hasPrefix("#") else { continue }
            switch (first, words.count) {
            case ("user", 2): user = words[1]
            case ("topic", 3):
                guard let user else { continue }
                let access = words[1] == "readwrite" ? ["read", "write"] : [words[1]]
                for kind in access { grants[user, default: []].insert("\(kind) \(words[2])") }
            default:
                Issue.record("unexpected ACL line: \(line)")
            }
        }
        return grants
    }

    /// What an agent's code uses, with the site level as the ACL writes it.
    static func uses(_ agent: some Agent) throws -> Set<String> {
        let topics = Topics(site: try TopicLevel("site"))
        let id = try TopicLevel(type(of: agent).name)
        func generic(_ filter: String) -> String {
            var levels = filter.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            levels[1] = "+"
            return levels.joined(separator: "/")
        }
        var uses = Set(agent.subscriptions(topics, agentID: id).map { "read " + generic($0) })
        uses.insert("read " + generic(topics.config(id)))
        for filter in agent.publications(topics, agentID: id) { uses.insert("write " + generic(filter)) }
        uses.insert("write " + generic(topics.status(id)))
        return uses
    }

    @Test func eachAgentIsGrantedExactlyWhatItsCodeUses() throws {
        let grants = try Self.acl()
        let agents: [String: Set<String>] = [
            "collector": try Self.uses(CollectorAgent()), "evaluator": try Self.uses(EvaluatorAgent()),
            "alerter": try Self.uses(AlerterAgent()), "recorder": try Self.uses(RecorderAgent()),
        ]
        for (name, used) in agents {
            let granted = grants[name] ?? []
            #expect(
                used.subtracting(granted).isEmpty, "\(name) needs, but is not granted: \(used.subtracting(granted))")
            #expect(
                granted.subtracting(used).isEmpty, "\(name) is granted, but does not use: \(granted.subtracting(used))")
        }
        #expect(grants["viewer"] == ["read vigil/#"], "the viewer reads everything and writes nothing")
        let operatorWrites = Set((grants["operator"] ?? []).filter { $0.hasPrefix("write") })
        #expect(operatorWrites == ["write vigil/+/config/+", "write vigil/+/command/#"])
        #expect(Set(grants.keys) == ["collector", "evaluator", "alerter", "recorder", "operator", "viewer"])
    }
}
