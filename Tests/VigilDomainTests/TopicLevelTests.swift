import Testing
import VigilDomain

@Suite struct TopicLevelTests {
    @Test(arguments: ["bkk-dc1", "ups1-str01", "A.b_c-9", String(repeating: "x", count: 64)])
    func acceptsIdentifiers(_ text: String) throws {
        #expect(try TopicLevel(text).rawValue == text)
    }

    @Test(arguments: [
        ("a/b", "contains '/'"), ("a+", "contains '+'"), ("#", "contains '#'"), ("", "is empty"),
        ("a b", "contains ' '"), ("nul\u{0}", "contains byte 0"), ("é", "contains byte 195"),
        (String(repeating: "x", count: 65), "is longer than 64 characters"),
    ])
    func refusesWhatWouldBreakTopics(_ text: String, _ reason: String) {
        #expect(throws: PayloadError.self) { try TopicLevel(text, field: "asset") }
        do {
            _ = try TopicLevel(text, field: "asset")
        } catch {
            #expect(error.field == "asset")
            #expect(error.reason.hasPrefix(reason))
        }
    }
}

@Suite struct TopicsTests {
    let topics = Topics(site: try! TopicLevel("bkk-dc1"))

    @Test func buildsAndParsesEveryTopic() throws {
        let asset = try TopicLevel("ups1-str01")
        let code = try TopicLevel("jar_resistance_high")
        let agent = try TopicLevel("collector")
        let cases: [(String, Topics.Parsed)] = [
            (topics.telemetry(asset), .telemetry(asset)),
            (topics.evaluation(asset), .evaluation(asset)),
            (topics.rejected(asset), .rejected(asset)),
            (topics.alert(asset, code), .alert(asset, code)),
            (topics.alertEvents, .alertEvents),
            (topics.device(asset), .device(asset)),
            (topics.ack(agent), .ack(agent)),
            (topics.config(agent), .config(agent)),
            (topics.status(agent), .status(agent)),
            (topics.simulation(asset), .simulation(asset)),
            (topics.simulatorCommand, .simulatorCommand),
            (topics.alertCommand(asset, code, .shelve), .alertCommand(asset, code, .shelve)),
            (topics.alertReply(asset, code, .ack), .alertReply(asset, code, .ack)),
            ("vigil/bkk-dc1/command/alert/ups1-str01/jar_resistance_high/delete", .alertCommand(asset, code, nil)),
        ]
        for (topic, parsed) in cases {
            #expect(topic.hasPrefix("vigil/bkk-dc1/"))
            #expect(topics.parse(topic) == parsed)
        }
        #expect(topics.telemetry(asset) == "vigil/bkk-dc1/telemetry/ups1-str01")
        #expect(topics.alert(asset, code) == "vigil/bkk-dc1/alert/ups1-str01/jar_resistance_high")
        #expect(
            topics.alertCommand(asset, code, .ack) == "vigil/bkk-dc1/command/alert/ups1-str01/jar_resistance_high/ack")
    }

    @Test(arguments: [
        "vigil/other-site/telemetry/a", "vigil/bkk-dc1/telemetry", "vigil/bkk-dc1/telemetry/a/b",
        "vigil/bkk-dc1/telemetry/a b", "vigil/bkk-dc1/unknown/a", "vigil/bkk-dc1/alert/a", "vigil/bkk-dc1",
        "vigil/bkk-dc1/command/alert/a/b", "vigil/bkk-dc1/command/alert/a b/c/ack", "vigil/bkk-dc1/telemetry/",
        "vigil/bkk-dc1x/telemetry/a", "vigil/bkk-dc1//telemetry/a", "vigil/bkk-dc1/command/alert/a/b/ack/more",
        "vigil/bkk-dc1/command/other", "vigil/bkk-dc1/reply/other/a/b/ack", "vigil/bkk-dc1/telemetry/a#",
        "vigil/bkk-dc1/telemetry/\(String(repeating: "a", count: 65))", "vigil/bkk-dc1/alert-events/x",
    ])
    func ignoresForeignOrMalformedTopics(_ topic: String) {
        #expect(topics.parse(topic) == nil)
    }
}
