import Testing
import VigilDomain
import VigilRuntime
import VigilYAML

@testable import VigilAlerter

/// Shapes shared by the alarm-book suites: findings, evaluations and a manual clock in seconds.
struct BookFixture {
    let site = try! TopicLevel("demo")
    let asset = try! TopicLevel("ups1-str01")

    func finding(_ code: String, _ severity: Severity, jar: Int? = nil, value: Double = 5.5, metric: String? = nil)
        -> Finding
    {
        Finding(
            code: try! TopicLevel(code), severity: severity, metric: metric ?? code, jar: jar, value: value, limit: 5.0,
            message: "\(code) \(severity)", recommendation: "look at it")
    }

    func evaluation(
        _ findings: [Finding], asset: TopicLevel? = nil, seq: UInt64 = 1, derived: [String: Double]? = nil
    ) -> Evaluation {
        var evaluation = Evaluation(
            site: site, asset: asset ?? self.asset, kind: .vrlaString, seq: seq,
            ts: Timestamp(millisecondsSinceEpoch: 0), health: .init(score: 50, primaryConcern: nil, breakdown: []),
            findings: findings)
        evaluation.derived = derived
        return evaluation
    }

    func at(_ second: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: second * 1000) }

    /// Immediate clears for the plain codes these tests use; the shipped patterns stay as they are.
    func book(_ change: (inout AlarmBook.Configuration) -> Void = { _ in }) -> AlarmBook {
        var configuration = AlarmBook.Configuration()
        configuration.rules = try! AlarmRules(Self.config("'*': {off_delay_s: 0}"))
        change(&configuration)
        return AlarmBook(site: site, eventPrefix: "t", configuration: configuration)
    }

    static func config(_ yaml: String) throws -> ConfigNode {
        ConfigNode(try YAML.parse(yaml), path: "alerter.rules")
    }
}

extension [AlarmBook.Transition] {
    var kinds: [AlertEvent.Transition] { compactMap(\.event?.transition) }
}

@Suite struct AlarmBookTests {
    let f = BookFixture()

    @Test func raisesOnceAndStaysQuietWhileUnchanged() {
        var book = f.book()
        let first = book.apply(f.evaluation([f.finding("jar_resistance_high", .warning, jar: 7)]), now: f.at(1))
        #expect(first.kinds == [.raised])
        #expect(first[0].retained?.state == .activeUnacked)
        #expect(first[0].retained?.tier == .warning)
        #expect(first[0].retained?.jar == 7)
        #expect(first[0].retained?.firstRaised == f.at(1))
        let again = book.apply(
            f.evaluation([f.finding("jar_resistance_high", .warning, jar: 7, value: 5.6)]), now: f.at(2))
        #expect(again.isEmpty)
        #expect(book.alarms.count == 1)
    }

    @Test func escalationAsksForANewAcknowledgementAndDeescalationDoesNot() throws {
        var book = f.book()
        _ = book.apply(f.evaluation([f.finding("jar_resistance_high", .warning)]), now: f.at(1))
        let key = AlarmBook.Key(asset: f.asset, code: try TopicLevel("jar_resistance_high"))
        _ = try book.command(.ack, key, AlertCommand(user: "ana"), now: f.at(2))
        let up = book.apply(f.evaluation([f.finding("jar_resistance_high", .critical, value: 6.5)]), now: f.at(3))
        #expect(up.kinds == [.escalated])
        #expect(up[0].event?.previousTier == .warning)
        #expect(up[0].retained?.tier == .critical)
        #expect(up[0].retained?.state == .activeUnacked)
        #expect(up[0].retained?.acknowledgedBy == nil && up[0].retained?.acknowledgedAt == nil)
        #expect(up[0].retained?.firstRaised == f.at(1))
        #expect(up[0].retained?.lastRaised == f.at(3))
        _ = try book.command(.ack, key, AlertCommand(user: "bo"), now: f.at(4))
        let down = book.apply(f.evaluation([f.finding("jar_resistance_high", .warning)]), now: f.at(5))
        #expect(down.kinds == [.deescalated])
        #expect(down[0].retained?.state == .activeAcked)
    }

    @Test func anUnacknowledgedClearWaitsForItsAcknowledgementThenTheRetainedStateEmpties() throws {
        var book = f.book()
        _ = book.apply(f.evaluation([f.finding("jar_resistance_high", .critical)]), now: f.at(1))
        let cleared = book.apply(f.evaluation([]), now: f.at(5))
        #expect(cleared.kinds == [.cleared])
        #expect(cleared[0].retained?.state == .clearedUnacked)
        let key = AlarmBook.Key(asset: f.asset, code: try TopicLevel("jar_resistance_high"))
        let acked = try book.command(.ack, key, AlertCommand(user: "ana", comment: "seen"), now: f.at(6))
        #expect(acked.kinds == [.acknowledged])
        #expect(acked[0].event?.user == "ana" && acked[0].event?.comment == "seen")
        #expect(acked[0].retained == nil)
        #expect(book.alarms.isEmpty)
    }

    @Test func anAcknowledgedAlarmGoesStraightToNormalWhenItClears() throws {
        var book = f.book()
        _ = book.apply(f.evaluation([f.finding("vibration_high", .warning)]), now: f.at(1))
        _ = try book.command(
            .ack, AlarmBook.Key(asset: f.asset, code: try TopicLevel("vibration_high")), AlertCommand(user: "ana"),
            now: f.at(2))
        let cleared = book.apply(f.evaluation([]), now: f.at(3))
        #expect(cleared.kinds == [.cleared])
        #expect(cleared[0].retained == nil)
        #expect(cleared[0].event?.alert.state == .normal)
    }

    @Test func infoAlarmsAreAdvisoriesThatNeedNoAcknowledgement() {
        var book = f.book()
        _ = book.apply(f.evaluation([f.finding("vibration_high", .info)]), now: f.at(1))
        let cleared = book.apply(f.evaluation([]), now: f.at(2))
        #expect(cleared.kinds == [.cleared])
        #expect(cleared[0].retained == nil)
    }

    @Test func oneAlarmPerCodeCarryingTheWorstJar() {
        var book = f.book()
        let transitions = book.apply(
            f.evaluation([
                f.finding("jar_voltage_low", .warning, jar: 3, value: 12.9),
                f.finding("jar_voltage_low", .critical, jar: 7, value: 12.5),
                f.finding("jar_voltage_low", .warning, jar: 9, value: 12.95),
            ]), now: f.at(1))
        #expect(transitions.count == 1)
        #expect(transitions[0].retained?.jar == 7)
        #expect(transitions[0].retained?.tier == .critical)
    }

    @Test func otherAssetsAreLeftAlone() throws {
        var book = f.book()
        _ = book.apply(f.evaluation([f.finding("vibration_high", .warning)]), now: f.at(1))
        let other = book.apply(f.evaluation([], asset: try TopicLevel("pump-1")), now: f.at(2))
        #expect(other.isEmpty)
        #expect(book.alarms.count == 1)
    }

    @Test func adoptsRetainedAlarmsAndClearsThem() throws {
        var book = f.book()
        let kept = Alert(
            site: f.site, asset: f.asset, code: try TopicLevel("jar_resistance_high"), tier: .critical,
            state: .activeAcked, firstRaised: f.at(-100), lastChange: f.at(-100), value: 6.4, limit: 6, jar: 7,
            message: "m", recommendation: "r")
        var acknowledged = kept
        acknowledged.acknowledgedBy = "ana"
        book.adopt(acknowledged)
        #expect(book.apply(f.evaluation([f.finding("jar_resistance_high", .critical)]), now: f.at(1)).isEmpty)
        let cleared = book.apply(f.evaluation([]), now: f.at(2))
        #expect(cleared.kinds == [.cleared])
        #expect(cleared[0].event?.alert.firstRaised == f.at(-100))
        #expect(cleared[0].retained == nil, "it was acknowledged before the restart")
    }

    @Test func eventIDsAreUnique() {
        var book = f.book()
        var ids: Set<String> = []
        for second in 0..<10 {
            let findings = second.isMultiple(of: 2) ? [f.finding("vibration_high", .info)] : []
            for transition in book.apply(f.evaluation(findings), now: f.at(Int64(second))) {
                ids.insert(transition.event!.eventID)
            }
        }
        #expect(ids.count == 10)
        #expect(ids.allSatisfy { $0.hasPrefix("t-") })
    }

    @Test func aRetainedEvaluationSeenAgainAfterARestartIsNotANewSample() {
        var book = f.book {
            $0.rules = AlarmRules([
                "*": {
                    var rule = AlarmRule()
                    rule.onDelaySamples = 2
                    return rule
                }()
            ])
        }
        #expect(book.apply(f.evaluation([f.finding("vibration_high", .warning)], seq: 7), now: f.at(1)).isEmpty)
        #expect(
            book.apply(f.evaluation([f.finding("vibration_high", .warning)], seq: 7), now: f.at(2), replayed: true)
                .isEmpty)
        #expect(
            book.apply(f.evaluation([f.finding("vibration_high", .warning)], seq: 8), now: f.at(3)).kinds == [.raised])
    }
}

@Suite struct DeviceAlarmTests {
    let now = Timestamp(millisecondsSinceEpoch: 0)

    func status(_ state: DeviceStatus.State) -> DeviceStatus {
        DeviceStatus(
            site: try! TopicLevel("demo"), device: try! TopicLevel("bms-1"), asset: try! TopicLevel("ups1-str01"),
            source: "modbus-tcp://127.0.0.1:502/unit/1", state: state, consecutiveFailures: 3,
            lastError: "modbus read failed: Connection timed out", lastOK: nil, ts: now, counters: [:])
    }

    @Test func anUnreachableDeviceRaisesOneAlarmThatClearsAfterItsOffDelay() throws {
        var book = BookFixture().book()
        #expect(book.apply(status(.degraded), now: now).isEmpty)
        let raised = book.apply(status(.unreachable), now: now)
        #expect(raised.kinds == [.raised])
        #expect(raised.first?.retained?.code.rawValue == "device_unreachable")
        #expect(raised.first?.retained?.message.contains("bms-1") == true)
        #expect(book.apply(status(.unreachable), now: now).isEmpty)
        // Evaluations of the asset (none arrive while it is dead, but any that do) leave it alone.
        let evaluation = BookFixture().evaluation([])
        #expect(book.apply(evaluation, now: now).isEmpty)
        #expect(book.apply(status(.ok), now: now.adding(milliseconds: 1000)).isEmpty, "the shipped off-delay is 30 s")
        let cleared = book.tick(now: now.adding(milliseconds: 31_000))
        #expect(cleared.kinds == [.cleared])
        #expect(cleared.first?.retained?.state == .clearedUnacked)
    }
}

@Suite struct OutboxOverflowAlarmTests {
    func status(dropped: Int, state: AgentStatus.State = .online) throws -> AgentStatus {
        AgentStatus(
            state: state, agent: try TopicLevel("collector"), site: try TopicLevel("demo"), version: "0", pid: 1,
            started: .now(), ts: .now(), configRevision: nil, configError: nil,
            counters: ["outbox_dropped": dropped])
    }

    @Test func newDropsRaiseACriticalAlarmThatClearsWhenDroppingStops() throws {
        var book = BookFixture().book()
        // The first status seen is a baseline: drops from before an alerter restart are not new.
        #expect(book.apply(try status(dropped: 40), previousDropped: nil, now: .now()).isEmpty)
        let raised = book.apply(try status(dropped: 90), previousDropped: 40, now: .now())
        #expect(raised.kinds == [.raised])
        #expect(raised.first?.retained?.tier == .critical)
        #expect(raised.first?.retained?.code.rawValue == "outbox_overflow")
        #expect(raised.first?.retained?.message.contains("dropped 50 readings") == true)
        #expect(
            book.apply(try status(dropped: 120), previousDropped: 90, now: .now()).isEmpty,
            "one alarm, not one per status")
        let cleared = book.apply(try status(dropped: 120), previousDropped: 120, now: .now())
        #expect(cleared.kinds == [.cleared])
        // Readings were lost: someone must acknowledge that before it leaves the board.
        #expect(cleared.first?.retained?.state == .clearedUnacked)
    }
}
