import Foundation
import Testing
import VigilDomain
import VigilRuntime
import VigilYAML

@testable import VigilAlerter

@Suite struct AlarmRulesTests {
    func rule(_ rules: AlarmRules, _ code: String) -> AlarmRule { rules.rule(for: try! TopicLevel(code)) }

    @Test func theShippedRulesCoverEveryCodeTheEvaluatorBuilds() {
        let rules = AlarmRules.defaults
        // Limit codes are built from metric names, anomaly codes from quantities: patterns cover them.
        #expect(rule(rules, "cdw_in_high").enabled)
        #expect(rule(rules, "condenser_approach_anomaly").offDelay == 120_000)
        #expect(rule(rules, "float_voltage_low").suppressDuringDischarge)
        #expect(rule(rules, "jar_voltage_deviation").suppressDuringDischarge)
        #expect(!rule(rules, "jar_voltage_low").suppressDuringDischarge)
        #expect(rule(rules, "soh_low").offDelay == 3_600_000)
        #expect(rule(rules, "device_unreachable").tier == .warning)
        #expect(rule(rules, "outbox_overflow").tier == .critical)
    }

    /// `config/vigil.yaml` documents the shipped rules: it must say exactly what the defaults are.
    @Test func theSampleConfigurationsAlerterSectionMatchesTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/vigil.yaml").path
        let root = try YAML.parse(String(contentsOfFile: path, encoding: .utf8))
        let parsed = try AlerterAgent.settings(from: ConfigNode(root, path: "").child("alerter"))
        #expect(parsed.book.rules == AlarmRules.defaults)
        #expect(parsed.book == AlarmBook.Configuration())
        #expect(parsed.hook == NotificationHook.Settings())
    }

    @Test func aSiteRuleChangesOnlyWhatItNamesAndTheMostSpecificPatternWins() throws {
        let rules = try AlarmRules(
            try BookFixture.config(
                """
                jar_voltage_deviation: {off_delay_s: 120}
                "*_high": {on_delay_samples: 3, tier: critical}
                "cdw_*": {enabled: false}
                """))
        let deviation = rule(rules, "jar_voltage_deviation")
        #expect(deviation.offDelay == 120_000 && deviation.suppressDuringDischarge, "keeps the shipped suppression")
        #expect(rule(rules, "vibration_high").onDelaySamples == 3)
        #expect(rule(rules, "vibration_high").tier == .critical)
        // `*_high` (6 characters) is more specific than `cdw_*` (5): it wins for cdw_in_high.
        #expect(rule(rules, "cdw_in_high").enabled)
        #expect(!rule(rules, "cdw_in_low").enabled)
    }

    @Test(arguments: [
        ("vibration_high: {tier: severe}", "alerter.rules.vibration_high.tier"),
        ("vibration_high: {off_delay_s: -1}", "alerter.rules.vibration_high.off_delay_s"),
        ("vibration_high: {of_delay_s: 1}", "alerter.rules.vibration_high.of_delay_s"),
        ("\"vib/high\": {enabled: false}", "alerter.rules.vib/high"),
        ("\"*vib*\": {enabled: false}", "alerter.rules.*vib*"),
    ])
    func aBadRuleIsRefusedNamingItsKey(_ yaml: String, _ key: String) throws {
        let node = try BookFixture.config(yaml)
        do {
            _ = try AlarmRules(node)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.key == key, "\(error)")
        }
    }
}

@Suite struct AlarmPolicyTests {
    let f = BookFixture()

    @Test func aFlappingFindingIsOneAlarmNotMany() {
        // The shipped 30 s off-delay: a finding that comes and goes every few seconds.
        var book = AlarmBook(site: f.site, eventPrefix: "t")
        var transitions: [AlarmBook.Transition] = []
        for second in 0..<600 {
            let present = (second / 3) % 2 == 0
            let findings = present ? [f.finding("vibration_high", .warning)] : []
            transitions += book.apply(f.evaluation(findings, seq: UInt64(second + 1)), now: f.at(Int64(second)))
            transitions += book.tick(now: f.at(Int64(second)))
        }
        #expect(transitions.kinds == [.raised], "\(transitions.kinds)")
        // It stops for good: one clear after the off-delay.
        transitions = book.apply(f.evaluation([], seq: 1000), now: f.at(600))
        for second in 601...640 { transitions += book.tick(now: f.at(Int64(second))) }
        #expect(transitions.kinds == [.cleared])
    }

    @Test func theDeadbandHoldsAnAlarmWhoseValueHoversJustInsideItsLimit() throws {
        var book = f.book {
            $0.rules = AlarmRules([
                "*": {
                    var rule = AlarmRule()
                    rule.offDelay = 0
                    rule.deadband = 0.5
                    return rule
                }()
            ])
        }
        let approach = "condenser_approach_c"
        _ = book.apply(f.evaluation([f.finding("approach_high", .warning, value: 5.4, metric: approach)]), now: f.at(1))
        // Limit 5: 4.8 is inside the limit but not by the 0.5 deadband.
        #expect(book.apply(f.evaluation([], derived: [approach: 4.8]), now: f.at(2)).isEmpty)
        #expect(book.tick(now: f.at(100)).isEmpty)
        let cleared = book.apply(f.evaluation([], derived: [approach: 4.4]), now: f.at(101))
        #expect(cleared.kinds == [.cleared])
    }

    @Test func aDischargingStringSuppressesItsFloatAlarmsButNotOthers() throws {
        var book = f.book()
        let discharging = ["discharge_s": 120.0]
        let raised = book.apply(
            f.evaluation(
                [f.finding("float_voltage_low", .warning), f.finding("jar_voltage_low", .critical)],
                derived: discharging), now: f.at(1))
        #expect(raised.kinds == [.raised, .raised])
        let float = raised.first { $0.key.code.rawValue == "float_voltage_low" }
        #expect(float?.retained?.state == .suppressed)
        #expect(float?.notify == false, "a suppressed alarm pages nobody")
        #expect(raised.first { $0.key.code.rawValue == "jar_voltage_low" }?.retained?.state == .activeUnacked)
        // The discharge ends; the float alarm is still true after the 15-minute hold: it shows.
        let after = book.apply(
            f.evaluation([f.finding("float_voltage_low", .warning), f.finding("jar_voltage_low", .critical)], seq: 2),
            now: f.at(600))
        #expect(after.isEmpty)
        let shown = book.tick(now: f.at(902))
        #expect(shown.kinds == [.unsuppressed])
        #expect(shown.first?.retained?.state == .activeUnacked)
    }

    @Test func aMaintenanceWindowSuppressesTheAssetOnlyWhileItLasts() throws {
        var book = f.book {
            $0.maintenance = [
                MaintenanceWindow(asset: f.asset, from: f.at(100), to: f.at(200), reason: "jar replacement")
            ]
        }
        let before = book.apply(f.evaluation([f.finding("jar_voltage_low", .warning)]), now: f.at(50))
        #expect(before.first?.retained?.state == .activeUnacked)
        let during = book.tick(now: f.at(100))
        #expect(during.kinds == [.suppressed])
        #expect(during.first?.retained?.state == .suppressed)
        // A new alarm on the asset inside the window is recorded, but suppressed.
        let inside = book.apply(
            f.evaluation(
                [f.finding("jar_voltage_low", .warning), f.finding("jar_temperature_high", .critical)], seq: 2),
            now: f.at(150))
        #expect(inside.first?.retained?.state == .suppressed)
        #expect(inside.first?.notify == false)
        let over = book.tick(now: f.at(200))
        #expect(over.kinds == [.unsuppressed, .unsuppressed])
        #expect(over.allSatisfy { $0.retained?.state == .activeUnacked })
    }

    @Test func aFloodIsGroupedIntoOneAlarmAndCriticalAlarmsStillPass() throws {
        var book = f.book()
        var transitions: [AlarmBook.Transition] = []
        for index in 1...15 {
            let asset = try TopicLevel("pump-\(index)")
            transitions += book.apply(
                f.evaluation([f.finding("vibration_high", .warning)], asset: asset), now: f.at(Int64(index)))
        }
        // Ten alarms on their own, then one flood alarm counting the other five.
        let raised = transitions.filter { $0.event?.transition == .raised }
        #expect(raised.count == 11)
        #expect(raised.filter { $0.key.code.rawValue == "vibration_high" }.count == 10)
        let flood = try #require(book.alarm(AlarmBook.Key(asset: f.site, code: try TopicLevel("flood"))))
        #expect(flood.value == 5)
        #expect(flood.grouped?.count == 5 && flood.grouped?.first == "pump-11/vibration_high")
        #expect(transitions.last?.retained?.value == 5, "the count is published as it grows")
        // A critical alarm is never held back.
        let critical = book.apply(
            f.evaluation([f.finding("jar_temperature_high", .critical)]), now: f.at(20))
        #expect(critical.kinds == [.raised])
        #expect(critical.first?.key.code.rawValue == "jar_temperature_high")
        // Quiet for the window: the flood clears, and what it held that is still true is announced.
        #expect(book.tick(now: f.at(20 + 600)).isEmpty, "the flood's own off-delay: a minute")
        let over = book.tick(now: f.at(20 + 600 + 60))
        #expect(over.filter { $0.key.code.rawValue == "flood" }.kinds == [.cleared])
        #expect(over.filter { $0.key.code.rawValue == "vibration_high" }.kinds == Array(repeating: .raised, count: 5))
        #expect(book.alarms.filter { $0.code.rawValue == "vibration_high" }.count == 15)
    }

    @Test func commandsAreRefusedWithAReasonWhenThereIsNothingToActOn() throws {
        var book = f.book()
        let key = AlarmBook.Key(asset: f.asset, code: try TopicLevel("vibration_high"))
        #expect(throws: AlarmLifecycle.Refusal.self) {
            try book.command(.ack, key, AlertCommand(user: "ana"), now: f.at(1))
        }
        _ = book.apply(f.evaluation([f.finding("vibration_high", .warning)]), now: f.at(1))
        do {
            _ = try book.command(.shelve, key, AlertCommand(user: "ana", durationS: 200_000), now: f.at(2))
            Issue.record("a shelve longer than max_shelve_s was accepted")
        } catch {
            #expect(error.description.contains("86400"))
        }
        let shelved = try book.command(
            .shelve, key, AlertCommand(user: "ana", comment: "sensor swap", durationS: 600), now: f.at(2))
        #expect(shelved.kinds == [.shelved])
        #expect(shelved.first?.retained?.state == .shelved)
        #expect(shelved.first?.retained?.shelvedBy == "ana")
        #expect(shelved.first?.retained?.shelvedUntil == f.at(602))
        #expect(shelved.first?.notify == false)
        let expired = book.tick(now: f.at(602))
        #expect(expired.kinds == [.unshelved])
        #expect(expired.first?.retained?.state == .activeUnacked)
        #expect(expired.first?.retained?.shelvedBy == nil)
    }

    /// The alerter saves this between runs: everything, including a half-run on-delay.
    @Test func theBookSurvivesARestartThroughItsMemory() throws {
        var book = f.book {
            $0.rules = AlarmRules([
                "*": {
                    var rule = AlarmRule()
                    rule.onDelay = 60_000
                    return rule
                }()
            ])
        }
        _ = book.apply(f.evaluation([f.finding("vibration_high", .warning)]), now: f.at(0))
        _ = book.apply(f.evaluation([f.finding("jar_voltage_low", .warning)]), now: f.at(0))
        _ = book.tick(now: f.at(60))
        _ = book.apply(
            f.evaluation([f.finding("jar_voltage_low", .warning), f.finding("approach_high", .warning)], seq: 2),
            now: f.at(61))
        let saved = try JSONDecoder().decode(
            AlarmBook.Memory.self, from: try JSONEncoder().encode(book.memory))
        var restored = AlarmBook(site: f.site, memory: saved, configuration: book.configuration)
        #expect(restored.memory == book.memory)
        #expect(restored.alarms == book.alarms)
        // The half-run on-delay of approach_high keeps its start: 60 s after 61 s, not after the restart.
        #expect(restored.tick(now: f.at(120)).isEmpty)
        #expect(restored.tick(now: f.at(121)).kinds == [.raised])
        // Event numbering continues.
        let before = book.tick(now: f.at(121))
        #expect(before.first?.event?.eventID == restored.memory.eventPrefix + "-\(restored.memory.eventCounter)")
    }
}
