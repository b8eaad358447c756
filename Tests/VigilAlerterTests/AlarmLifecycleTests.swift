import Foundation
import Testing
import VigilDomain

@testable import VigilAlerter

/// The ISA-18.2 lifecycle of one alarm with a manual clock (milliseconds).
@Suite struct AlarmLifecycleTests {
    /// Raises after 3 samples over at least 10 s; clears after 30 s back inside the deadband.
    static let policy = AlarmLifecycle.Policy(onDelaySamples: 3, onDelay: 10_000, offDelay: 30_000)

    @Test func aConditionRaisesOnlyAfterItsOnDelayInSamplesAndTime() {
        var alarm = AlarmLifecycle()
        #expect(alarm.observe(.warning, now: 0, policy: Self.policy).isEmpty)
        #expect(alarm.observe(.warning, now: 5_000, policy: Self.policy).isEmpty)
        // Three samples, but only 9 s: not yet.
        #expect(alarm.observe(.warning, now: 9_000, policy: Self.policy).isEmpty)
        #expect(alarm.observe(.warning, now: 10_000, policy: Self.policy) == [.raised(.warning)])
        #expect(alarm.state == .activeUnacked && alarm.tier == .warning)
    }

    @Test func aFlappingInputIsOneAlarmNotMany() {
        var alarm = AlarmLifecycle()
        var events: [AlarmLifecycle.Event] = []
        // A value hovering at its limit for ten minutes: over, under (outside the deadband), over…
        for second in stride(from: 0, through: 600, by: 5) {
            let over = (second / 5) % 2 == 0
            events += alarm.observe(
                over ? .warning : nil, insideDeadband: false, now: Int64(second) * 1000, policy: Self.policy)
        }
        #expect(events.isEmpty, "a flapping value never held for the on-delay: \(events)")
        // Held: one raise; hovering afterwards, never inside the deadband: no clear.
        for second in stride(from: 600, through: 620, by: 5) {
            events += alarm.observe(.warning, now: Int64(second) * 1000, policy: Self.policy)
        }
        for second in stride(from: 625, through: 1200, by: 5) {
            let over = (second / 5) % 2 == 0
            events += alarm.observe(
                over ? .warning : nil, insideDeadband: false, now: Int64(second) * 1000, policy: Self.policy)
        }
        #expect(events == [.raised(.warning)])
    }

    @Test func itClearsOnlyAfterTheOffDelayInsideTheDeadband() throws {
        var alarm = try Self.raised()
        #expect(alarm.observe(nil, insideDeadband: true, now: 100_000, policy: Self.policy).isEmpty)
        // Back outside the deadband: the off-delay starts again.
        #expect(alarm.observe(nil, insideDeadband: false, now: 120_000, policy: Self.policy).isEmpty)
        #expect(alarm.observe(nil, insideDeadband: true, now: 125_000, policy: Self.policy).isEmpty)
        #expect(alarm.observe(nil, insideDeadband: true, now: 150_000, policy: Self.policy).isEmpty)
        #expect(alarm.observe(nil, insideDeadband: true, now: 155_000, policy: Self.policy) == [.cleared])
        #expect(alarm.state == .clearedUnacked)
        // The clear waits for its acknowledgement, then the alarm is normal.
        #expect(try alarm.acknowledge(user: "ana", now: 160_000) == [.acknowledged(user: "ana"), .returnedToNormal])
        #expect(alarm.state == .normal && alarm.tier == nil)
    }

    @Test func anAcknowledgedAlarmReturnsToNormalWhenItClears() throws {
        var alarm = try Self.raised()
        #expect(try alarm.acknowledge(user: "ana", now: 20_000) == [.acknowledged(user: "ana")])
        #expect(alarm.state == .activeAcked && alarm.acknowledgedBy == "ana")
        _ = alarm.observe(nil, now: 30_000, policy: Self.policy)
        #expect(alarm.observe(nil, now: 60_000, policy: Self.policy) == [.cleared, .returnedToNormal])
        #expect(alarm.state == .normal)
    }

    @Test func escalationAndDeEscalationAreTheSameAlarm() throws {
        var alarm = try Self.raised()
        _ = try alarm.acknowledge(user: "ana", now: 15_000)
        #expect(
            alarm.observe(.critical, now: 20_000, policy: Self.policy) == [.escalated(from: .warning, to: .critical)])
        #expect(
            alarm.observe(.warning, now: 25_000, policy: Self.policy) == [.deescalated(from: .critical, to: .warning)])
        // The operator acknowledged a warning, not a critical alarm: the escalation asks again.
        #expect(alarm.state == .activeUnacked)
    }

    @Test func commandsTheStateDoesNotAllowAreRefusedWithAReason() throws {
        var alarm = AlarmLifecycle()
        #expect(throws: AlarmLifecycle.Refusal.self) { try alarm.acknowledge(user: "ana", now: 0) }
        #expect(throws: AlarmLifecycle.Refusal.self) { try alarm.shelve(until: 60_000, now: 0) }
        #expect(throws: AlarmLifecycle.Refusal.self) { try alarm.unshelve(now: 0) }
        var raised = try Self.raised()
        _ = try raised.acknowledge(user: "ana", now: 20_000)
        do {
            _ = try raised.acknowledge(user: "bo", now: 21_000)
            Issue.record("acknowledged twice")
        } catch {
            #expect(error.description.contains("active_acked"))
        }
        #expect(throws: AlarmLifecycle.Refusal.self) { try raised.shelve(until: 20_000, now: 30_000) }
    }

    @Test func aShelvedAlarmIsHiddenUntilItsExpiryAndThenShowsWhatIsTrueNow() throws {
        var alarm = try Self.raised()
        #expect(try alarm.shelve(until: 3_600_000, now: 20_000) == [.shelved(until: 3_600_000)])
        #expect(alarm.state == .shelved)
        // It escalates and clears underneath: the events are reported, the state stays shelved.
        #expect(
            alarm.observe(.critical, now: 30_000, policy: Self.policy) == [.escalated(from: .warning, to: .critical)])
        #expect(alarm.state == .shelved && alarm.tier == .critical && alarm.base == .activeUnacked)
        _ = alarm.observe(nil, now: 40_000, policy: Self.policy)
        #expect(alarm.observe(nil, now: 80_000, policy: Self.policy) == [.cleared])
        #expect(alarm.base == .clearedUnacked && alarm.state == .shelved)
        // The shelve runs out: the alarm is back, as it is now.
        #expect(alarm.tick(now: 3_599_999, policy: Self.policy).isEmpty)
        #expect(alarm.tick(now: 3_600_000, policy: Self.policy) == [.unshelved])
        #expect(alarm.state == .clearedUnacked)
    }

    @Test func suppressionByDesignHidesTheAlarmAndItsClearNeedsNoAcknowledgement() {
        var alarm = AlarmLifecycle()
        // A discharging string: its float-voltage alarm is suppressed while the discharge lasts.
        #expect(alarm.suppress(true, now: 0) == [.suppressed])
        #expect(alarm.state == .normal, "nothing to hide yet")
        var events: [AlarmLifecycle.Event] = []
        for second in 0...20 { events += alarm.observe(.warning, now: Int64(second) * 1000, policy: Self.policy) }
        #expect(events == [.raised(.warning)])
        #expect(alarm.state == .suppressed && alarm.base == .activeUnacked)
        #expect(alarm.suppress(true, now: 21_000).isEmpty)
        #expect(alarm.suppress(false, now: 22_000) == [.unsuppressed])
        #expect(alarm.state == .activeUnacked)
        // Suppressed again, it clears: nobody is asked to acknowledge a condition that was expected.
        _ = alarm.suppress(true, now: 23_000)
        _ = alarm.observe(nil, now: 24_000, policy: Self.policy)
        #expect(alarm.tick(now: 54_000, policy: Self.policy) == [.cleared, .returnedToNormal])
        #expect(alarm.state == .normal)
    }

    /// The evaluator publishes only on change: a condition seen once and still true completes its
    /// on-delay on the clock, and a clear completes its off-delay the same way.
    @Test func theClockAloneCompletesOnAndOffDelays() {
        let policy = AlarmLifecycle.Policy(onDelaySamples: 1, onDelay: 10_000, offDelay: 30_000)
        var alarm = AlarmLifecycle()
        #expect(alarm.observe(.warning, now: 0, policy: policy).isEmpty)
        #expect(alarm.tick(now: 9_999, policy: policy).isEmpty)
        #expect(alarm.tick(now: 10_000, policy: policy) == [.raised(.warning)])
        #expect(alarm.observe(nil, now: 20_000, policy: policy).isEmpty)
        #expect(alarm.tick(now: 49_999, policy: policy).isEmpty)
        #expect(alarm.tick(now: 50_000, policy: policy) == [.cleared])
        // Outside the deadband the clock does not clear anything.
        var held = AlarmLifecycle()
        _ = held.observe(.warning, now: 0, policy: policy)
        _ = held.tick(now: 10_000, policy: policy)
        _ = held.observe(nil, insideDeadband: false, now: 11_000, policy: policy)
        #expect(held.tick(now: 100_000, policy: policy).isEmpty)
        #expect(held.isActive)
    }

    @Test func anAdvisoryClearsWithoutAnAcknowledgement() {
        let policy = AlarmLifecycle.Policy(ackRequired: false)
        var alarm = AlarmLifecycle()
        #expect(alarm.observe(.info, now: 0, policy: policy) == [.raised(.info)])
        #expect(alarm.observe(nil, now: 1, policy: policy) == [.cleared, .returnedToNormal])
        #expect(alarm.isIdle)
    }

    /// A restart rebuilds the lifecycle from its saved form: an on-delay half run keeps its start.
    @Test func survivesARestartWithItsTimersInPlace() throws {
        var alarm = AlarmLifecycle()
        _ = alarm.observe(.warning, now: 0, policy: Self.policy)
        _ = alarm.observe(.warning, now: 5_000, policy: Self.policy)
        var restored = try JSONDecoder().decode(AlarmLifecycle.self, from: try JSONEncoder().encode(alarm))
        #expect(restored == alarm)
        #expect(restored.observe(.warning, now: 10_000, policy: Self.policy) == [.raised(.warning)])
    }

    static func raised() throws -> AlarmLifecycle {
        var alarm = AlarmLifecycle()
        for second in [0, 5, 10] { _ = alarm.observe(.warning, now: Int64(second) * 1000, policy: policy) }
        try #require(alarm.state == .activeUnacked)
        return alarm
    }
}
