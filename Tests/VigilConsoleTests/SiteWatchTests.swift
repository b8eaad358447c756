import Testing
import VigilDomain

@testable import VigilConsole

@Suite struct SiteWatchTests {
    let site = try! TopicLevel("demo")

    func alert(_ tier: Severity) -> Alert {
        Alert(
            site: site, asset: try! TopicLevel("pump-2"), code: try! TopicLevel("vibration_high"), tier: tier,
            state: .activeUnacked, firstRaised: Timestamp(millisecondsSinceEpoch: 0),
            lastChange: Timestamp(millisecondsSinceEpoch: 0), value: 5.8, limit: 4.5, jar: nil,
            message: "vibration 5.8 is above the warning limit 4.5", recommendation: "inspect mounting")
    }

    @Test func printsAlarmTransitionsAndCountsActiveAlerts() {
        var watch = SiteWatch(site: site)
        let event = AlertEvent(
            eventID: "e1", ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000), transition: .raised,
            previousTier: nil, alert: alert(.warning))
        let lines = watch.ingest(topic: "vigil/demo/alert-events", payload: PayloadCodec.encode(event))
        #expect(
            lines == [
                "04:00:00  RAISED      warning  pump-2/vibration_high  vibration 5.8 is above the warning limit 4.5 → inspect mounting"
            ])
        _ = watch.ingest(
            topic: "vigil/demo/alert/pump-2/vibration_high", payload: PayloadCodec.encode(alert(.critical)))
        #expect(watch.activeAlertCount == 1)
        _ = watch.ingest(topic: "vigil/demo/alert/pump-2/vibration_high", payload: [])
        #expect(watch.activeAlertCount == 0)
    }

    @Test func summarisesRateAssetsAlertsAndStoredRows() throws {
        var watch = SiteWatch(site: site)
        _ = watch.summary(now: Timestamp(millisecondsSinceEpoch: 0))
        for index in 0..<20 {
            _ = watch.ingest(topic: "vigil/demo/telemetry/asset-\(index % 4)", payload: [])
        }
        _ = watch.ingest(
            topic: "vigil/demo/alert/pump-2/vibration_high", payload: PayloadCodec.encode(alert(.critical)))
        let status = AgentStatus(
            state: .online, agent: try TopicLevel("recorder"), site: site, version: "0.1.0", pid: 7,
            started: Timestamp(millisecondsSinceEpoch: 0), ts: Timestamp(millisecondsSinceEpoch: 0),
            configRevision: nil,
            configError: nil, counters: ["stored_telemetry": 40, "stored_evaluations": 2, "received": 99])
        let lines = watch.ingest(topic: "vigil/demo/status/recorder", payload: PayloadCodec.encode(status))
        #expect(lines == ["00:00:00  agent recorder is online (pid 7)"])
        let summary = watch.summary(now: Timestamp(millisecondsSinceEpoch: 4000))
        #expect(
            summary
                == "00:00:04  summary: 5.0 readings/s, 4 assets, 1 active alerts (1 critical), 42 rows stored; recorder up"
        )
    }
}

@Suite struct SiteWatchLineTests {
    @Test func aClearedAlarmSaysItIsBackWithinLimits() throws {
        let alert = Alert(
            site: try TopicLevel("demo"), asset: try TopicLevel("pump-2"), code: try TopicLevel("vibration_high"),
            tier: .warning, state: .normal, firstRaised: Timestamp(millisecondsSinceEpoch: 60_000),
            lastChange: Timestamp(millisecondsSinceEpoch: 90_000), value: 5.8, limit: 4.5, jar: nil,
            message: "vibration 5.8 is above the warning limit 4.5", recommendation: "inspect mounting")
        let event = AlertEvent(
            eventID: "e2", ts: Timestamp(millisecondsSinceEpoch: 90_000), transition: .cleared, previousTier: .warning,
            alert: alert)
        #expect(
            SiteWatch.line(event)
                == "00:01:30  CLEARED     warning  pump-2/vibration_high  back within limits (raised at 00:01:00)")
    }
}
