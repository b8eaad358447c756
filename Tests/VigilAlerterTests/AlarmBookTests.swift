import Testing
import VigilDomain

@testable import VigilAlerter

@Suite struct AlarmBookTests {
    let site = try! TopicLevel("demo")
    let asset = try! TopicLevel("ups1-str01")

    func finding(_ code: String, _ severity: Severity, jar: Int? = nil, value: Double = 5.5) -> Finding {
        Finding(
            code: try! TopicLevel(code), severity: severity, metric: code, jar: jar, value: value, limit: 5.0,
            message: "\(code) \(severity)", recommendation: "look at it")
    }

    func evaluation(_ findings: [Finding], asset: TopicLevel? = nil) -> Evaluation {
        Evaluation(
            site: site, asset: asset ?? self.asset, kind: .vrlaString, seq: 1, ts: Timestamp(millisecondsSinceEpoch: 0),
            health: .init(score: 50, primaryConcern: nil, breakdown: []), findings: findings)
    }

    func at(_ second: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: second * 1000) }

    @Test func raisesOnceAndStaysQuietWhileUnchanged() {
        var book = AlarmBook(eventPrefix: "t")
        let first = book.apply(evaluation([finding("jar_resistance_high", .warning, jar: 7)]), now: at(1))
        #expect(first.count == 1)
        #expect(first[0].event.transition == .raised)
        #expect(first[0].retained?.state == .activeUnacked)
        #expect(first[0].retained?.tier == .warning)
        #expect(first[0].retained?.jar == 7)
        #expect(first[0].retained?.firstRaised == at(1))
        let again = book.apply(evaluation([finding("jar_resistance_high", .warning, jar: 7, value: 5.6)]), now: at(2))
        #expect(again.isEmpty)
        #expect(book.active.count == 1)
    }

    @Test func escalatesAndDeescalatesTheSameAlarm() {
        var book = AlarmBook(eventPrefix: "t")
        _ = book.apply(evaluation([finding("jar_resistance_high", .warning)]), now: at(1))
        let up = book.apply(evaluation([finding("jar_resistance_high", .critical, value: 6.5)]), now: at(2))
        #expect(up.map(\.event.transition) == [.escalated])
        #expect(up[0].event.previousTier == .warning)
        #expect(up[0].retained?.tier == .critical)
        #expect(up[0].retained?.firstRaised == at(1))
        #expect(up[0].retained?.lastChange == at(2))
        let down = book.apply(evaluation([finding("jar_resistance_high", .warning)]), now: at(3))
        #expect(down.map(\.event.transition) == [.deescalated])
    }

    @Test func clearsWithAnEmptyRetainedState() {
        var book = AlarmBook(eventPrefix: "t")
        _ = book.apply(evaluation([finding("jar_resistance_high", .critical)]), now: at(1))
        let cleared = book.apply(evaluation([]), now: at(5))
        #expect(cleared.count == 1)
        #expect(cleared[0].event.transition == .cleared)
        #expect(cleared[0].event.alert.state == .normal)
        #expect(cleared[0].retained == nil)
        #expect(book.active.isEmpty)
    }

    @Test func oneAlarmPerCodeCarryingTheWorstJar() {
        var book = AlarmBook(eventPrefix: "t")
        let transitions = book.apply(
            evaluation([
                finding("jar_voltage_low", .warning, jar: 3, value: 12.9),
                finding("jar_voltage_low", .critical, jar: 7, value: 12.5),
                finding("jar_voltage_low", .warning, jar: 9, value: 12.95),
            ]), now: at(1))
        #expect(transitions.count == 1)
        #expect(transitions[0].retained?.jar == 7)
        #expect(transitions[0].retained?.tier == .critical)
    }

    @Test func otherAssetsAreLeftAlone() throws {
        var book = AlarmBook(eventPrefix: "t")
        _ = book.apply(evaluation([finding("vibration_high", .warning)]), now: at(1))
        let other = book.apply(evaluation([], asset: try TopicLevel("pump-1")), now: at(2))
        #expect(other.isEmpty)
        #expect(book.active.count == 1)
    }

    @Test func adoptsRetainedAlarmsAndClearsThem() throws {
        var book = AlarmBook(eventPrefix: "t")
        let kept = Alert(
            site: site, asset: asset, code: try TopicLevel("jar_resistance_high"), tier: .critical,
            state: .activeUnacked,
            firstRaised: at(-100), lastChange: at(-100), value: 6.4, limit: 6, jar: 7, message: "m", recommendation: "r"
        )
        book.restore(kept)
        #expect(book.apply(evaluation([finding("jar_resistance_high", .critical)]), now: at(1)).isEmpty)
        let cleared = book.apply(evaluation([]), now: at(2))
        #expect(cleared.map(\.event.transition) == [.cleared])
        #expect(cleared[0].event.alert.firstRaised == at(-100))
    }

    @Test func eventIDsAreUnique() {
        var book = AlarmBook(eventPrefix: "p")
        var ids: Set<String> = []
        for second in 0..<10 {
            let findings = second.isMultiple(of: 2) ? [finding("vibration_high", .warning)] : []
            for transition in book.apply(evaluation(findings), now: at(Int64(second))) {
                ids.insert(transition.event.eventID)
            }
        }
        #expect(ids.count == 10)
        #expect(ids.allSatisfy { $0.hasPrefix("p-") })
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

    @Test func anUnreachableDeviceRaisesOneAlarmThatClearsWhenItAnswers() {
        var book = AlarmBook(eventPrefix: "t")
        #expect(book.apply(status(.degraded), now: now).isEmpty)
        let raised = book.apply(status(.unreachable), now: now)
        #expect(raised.map(\.event.transition) == [.raised])
        #expect(raised.first?.retained?.code.rawValue == "device_unreachable")
        #expect(raised.first?.retained?.message.contains("bms-1") == true)
        #expect(book.apply(status(.unreachable), now: now).isEmpty)
        // Evaluations of the asset (none arrive while it is dead, but any that do) leave it alone.
        let evaluation = Evaluation(
            site: try! TopicLevel("demo"), asset: try! TopicLevel("ups1-str01"), kind: .vrlaString, seq: 1, ts: now,
            health: .init(score: 100, primaryConcern: nil, breakdown: []), findings: [])
        #expect(book.apply(evaluation, now: now).isEmpty)
        let cleared = book.apply(status(.ok), now: now)
        #expect(cleared.map(\.event.transition) == [.cleared])
        #expect(cleared.first?.retained == nil)
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
        var book = AlarmBook(eventPrefix: "t")
        // The first status seen is a baseline: drops from before an alerter restart are not new.
        #expect(book.apply(try status(dropped: 40), previousDropped: nil, now: .now()).isEmpty)
        let raised = book.apply(try status(dropped: 90), previousDropped: 40, now: .now())
        #expect(raised.count == 1)
        #expect(raised.first?.event.transition == .raised)
        #expect(raised.first?.retained?.tier == .critical)
        #expect(raised.first?.retained?.code.rawValue == "outbox_overflow")
        #expect(raised.first?.retained?.message.contains("dropped 50 readings") == true)
        #expect(
            book.apply(try status(dropped: 120), previousDropped: 90, now: .now()).isEmpty,
            "one alarm, not one per status")
        let cleared = book.apply(try status(dropped: 120), previousDropped: 120, now: .now())
        #expect(cleared.first?.event.transition == .cleared)
        #expect(cleared.first?.retained == nil)
        #expect(book.active.isEmpty)
    }
}
