import Glibc
import Testing
import VigilDomain
import VigilMQTT

@testable import VigilRecorder

@Suite struct RecordRowTests {
    let topics = Topics(site: try! TopicLevel("demo"))

    func row(_ topic: String, _ payload: String) -> RecordRow {
        RecordRow.make(
            from: MQTTMessage(topic: topic, payload: Array(payload.utf8)), topics: topics, maximumBytes: 65_536)
    }

    static let reading =
        #"{"v":1,"site":"demo","asset":"pump-1","kind":"pump","seq":7,"ts":"2026-11-29T04:00:00.000Z","source":"sim","values":{"flow_lps":40}}"#

    @Test func telemetryKeepsTheOriginalPayload() {
        guard
            case .telemetry(let asset, let seq, let ts, let kind, let payload) = row(
                "vigil/demo/telemetry/pump-1", Self.reading)
        else {
            Issue.record("not a telemetry row")
            return
        }
        #expect(asset == "pump-1")
        #expect(seq == 7)
        #expect(ts == 1_795_924_800_000)
        #expect(kind == "pump")
        #expect(payload == Self.reading)
    }

    @Test func refusedInputIsKeptWithTheReason() {
        guard case .invalid(let topic, let reason, let payload) = row("vigil/demo/telemetry/pump-1", "{\"v\":1}") else {
            Issue.record("an invalid reading was not kept as invalid")
            return
        }
        #expect(topic == "vigil/demo/telemetry/pump-1")
        #expect(reason == "site: is missing")
        #expect(payload == Array("{\"v\":1}".utf8))
        guard case .invalid(_, let other, _) = row("vigil/demo/elsewhere/x", "{}") else {
            Issue.record("an unknown topic was recorded")
            return
        }
        #expect(other == "topic is not recorded")
    }
}

@Suite struct RecorderStoreTests {
    @Test func insertsIdempotentlyOnAssetAndSeq() async throws {
        var template = Array("/tmp/vigil-recorder-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template)!)
        let store = try RecorderStore(path: directory + "/history.db")
        let rows: [RecordRow] = [
            .telemetry(asset: "a", seq: 1, ts: 0, kind: "pump", payload: "{}"),
            .telemetry(asset: "a", seq: 2, ts: 0, kind: "pump", payload: "{}"),
            .telemetry(asset: "b", seq: 1, ts: 0, kind: "pump", payload: "{}"),
        ]
        let first = try await store.write(rows, receivedAt: 1)
        #expect(first.inserted["telemetry"] == 3)
        #expect(first.duplicates == 0)
        let again = try await store.write(
            rows + [.telemetry(asset: "a", seq: 3, ts: 0, kind: "pump", payload: "{}")], receivedAt: 2)
        #expect(again.inserted["telemetry"] == 1)
        #expect(again.duplicates == 3)
        #expect(try await store.count("telemetry") == 4)
        await store.close()
    }
}
