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
            case .telemetry(let asset, let seq, let ts, let kind, let collector, let metrics, let payload) = row(
                "vigil/demo/telemetry/pump-1", Self.reading)
        else {
            Issue.record("not a telemetry row")
            return
        }
        #expect(asset == "pump-1")
        #expect(seq == 7)
        #expect(ts == 1_795_924_800_000)
        #expect(kind == "pump")
        #expect(collector == nil)
        #expect(metrics == [.init(name: "flow_lps", value: 40)])
        #expect(payload == Self.reading)
    }

    /// The direct path (payload to rollup metrics, no `Values`) must give exactly the metrics of
    /// the decoded reading, whatever the shape, and nothing for a reading that is not good.
    @Test func flattenedMetricsMatchTheDecodedReading() throws {
        for index in 0..<40 {
            let jars = (0..<(index % 2 == 0 ? 24 : 3)).map { jar in
                ["v_mv": 13_500.0 + Double(jar), "t_c": 25.5 - Double(index), "r_uohm": 4_100.0 * Double(jar + 1)]
            }
            let reading = Reading(
                site: try TopicLevel("demo"), asset: try TopicLevel("str-\(index % 5)"), kind: .vrlaString,
                seq: UInt64(index + 1), ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(index)),
                source: "sim", quality: index % 7 == 3 ? .stale : .good,
                values: .init(
                    scalars: ["string_v": 324.5 + Double(index), "current_a": -1.5], series: ["cells": [1, 2.5, 3]],
                    jars: jars),
                collector: try TopicLevel("collector"))
            let payload = String(decoding: reading.encodedJSON(), as: UTF8.self)
            guard
                case .telemetry(let asset, let seq, _, _, let collector, let metrics, let stored) = row(
                    "vigil/demo/telemetry/\(reading.asset)", payload)
            else {
                Issue.record("not a telemetry row: \(payload)")
                continue
            }
            #expect(asset == reading.asset.rawValue && seq == Int64(index + 1) && collector == "collector")
            #expect(stored == payload)
            let expected = RecordRow.metrics(of: reading)
            #expect(metrics.sorted { $0.name < $1.name } == expected.sorted { $0.name < $1.name })
            #expect(metrics.contains(.init(name: "jar02.r_uohm", value: 8_200)) == (reading.quality == .good))
            #expect(metrics.contains(.init(name: "cells.2", value: 2.5)) == (reading.quality == .good))
        }
    }

    @Test func repeatedNamesAreLeftToJSONDecoder() {
        func payload(_ values: String) -> [UInt8] {
            Array(
                (#"{"v":1,"site":"demo","asset":"a","kind":"pump","seq":7,"ts":"2026-11-29T04:00:00.000Z","values":"#
                    + values + "}").utf8)
        }
        #expect(Reading.fastFlattened(payload(#"{"f":1}"#)) != nil)
        for values in [#"{"f":1,"f":2}"#, #"{"jars":[{"v":1,"v":2}]}"#, #"{"jars":[],"jars":[]}"#, #"{"f":[1],"f":2}"#]
        {
            #expect(Reading.fastFlattened(payload(values)) == nil, "\(values)")
        }
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
            .telemetry(asset: "a", seq: 1, ts: 0, kind: "pump", collector: nil, metrics: [], payload: "{}"),
            .telemetry(asset: "a", seq: 2, ts: 0, kind: "pump", collector: nil, metrics: [], payload: "{}"),
            .telemetry(asset: "b", seq: 1, ts: 0, kind: "pump", collector: nil, metrics: [], payload: "{}"),
        ]
        let first = try await store.write(rows, receivedAt: 1)
        #expect(first.inserted["telemetry"] == 3)
        #expect(first.duplicates == 0)
        let again = try await store.write(
            rows + [.telemetry(asset: "a", seq: 3, ts: 0, kind: "pump", collector: nil, metrics: [], payload: "{}")],
            receivedAt: 2)
        #expect(again.inserted["telemetry"] == 1)
        #expect(again.duplicates == 3)
        #expect(try await store.count("telemetry") == 4)
        try await store.close()
    }

    @Test func acknowledgesWhatWasCommittedAndRemembersItAcrossARestart() async throws {
        var template = Array("/tmp/vigil-recorder-XXXXXX".utf8CString)
        let path = String(cString: mkdtemp(&template)!) + "/history.db"
        func reading(_ asset: String, _ seq: Int64) -> RecordRow {
            .telemetry(asset: asset, seq: seq, ts: 0, kind: "pump", collector: "c1", metrics: [], payload: "{}")
        }
        let store = try RecorderStore(path: path)
        let first = try await store.write([1, 2, 4].map { reading("a", $0) } + [reading("b", 1)], receivedAt: 1)
        #expect(first.acknowledgements.count == 1)
        let ack = try #require(first.acknowledgements.first)
        #expect(ack.collector.rawValue == "c1")
        #expect(ack.assets["a"] == Acknowledgement.Progress(committed: 2, latest: 4, gaps: [3...3]))
        #expect(ack.assets["b"] == Acknowledgement.Progress(committed: 1))
        try await store.close()

        let reopened = try RecorderStore(path: path)
        // A duplicate is acknowledged too: the collector sent it again because it missed the ack.
        let second = try await reopened.write([reading("a", 4), reading("a", 3)], receivedAt: 2)
        #expect(second.duplicates == 1)
        #expect(second.acknowledgements.first?.assets["a"] == Acknowledgement.Progress(committed: 4))
        #expect(second.acknowledgements.first?.assets["b"] == nil)
        try await reopened.close()
    }

    @Test func readingsWithoutACollectorAreStoredButNotAcknowledged() async throws {
        var template = Array("/tmp/vigil-recorder-XXXXXX".utf8CString)
        let store = try RecorderStore(path: String(cString: mkdtemp(&template)!) + "/history.db")
        let outcome = try await store.write(
            [.telemetry(asset: "a", seq: 1, ts: 0, kind: "pump", collector: nil, metrics: [], payload: "{}")],
            receivedAt: 1)
        #expect(outcome.inserted["telemetry"] == 1)
        #expect(outcome.acknowledgements.isEmpty)
        try await store.close()
    }
}
