import Foundation
import Testing

@testable import VigilDomain

/// The alerter's own JSON writer must write what `JSONEncoder` with `PayloadCodec`'s settings
/// writes, byte for byte: retained alerts are diffed by SCADA bridges, and events are history.
@Suite struct AlertJSONTests {
    func standard<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func minimal() throws -> Alert {
        Alert(
            site: try TopicLevel("bkk-dc1"), asset: try TopicLevel("pump-007"), code: try TopicLevel("vibration_high"),
            tier: .critical, state: .activeUnacked, firstRaised: Timestamp(millisecondsSinceEpoch: 1_795_924_800_125),
            lastChange: Timestamp(millisecondsSinceEpoch: 1_795_924_800_125), value: 9, limit: 7.1, jar: nil,
            message: "vibration 9 mm/s is above the critical 7.1", recommendation: "")
    }

    func full() throws -> Alert {
        var alert = try minimal()
        alert.jar = 12
        alert.state = .shelved
        alert.message = "jar 12 \"resistance\" \\ 5.125 mΩ\nabove 4.5\t✓"
        alert.recommendation = "replace jar 12; see https://example.org/kW/ton"
        alert.lastRaised = Timestamp(millisecondsSinceEpoch: 1_795_924_900_000)
        alert.acknowledgedBy = "Somchai"
        alert.acknowledgedAt = Timestamp(millisecondsSinceEpoch: 1_795_925_000_001)
        alert.shelvedBy = "night shift"
        alert.shelvedUntil = Timestamp(millisecondsSinceEpoch: 1_795_990_000_000)
        alert.comment = "bearing on order"
        alert.grouped = ["pump-007/flow_low", "pump-007/power_high"]
        alert.value = -0.125
        alert.limit = 1e-300
        return alert
    }

    @Test func alertsAreWrittenAsJSONEncoderWritesThem() throws {
        for alert in [try minimal(), try full()] {
            let fast = try #require(alert.encodedJSON())
            #expect(String(decoding: fast, as: UTF8.self) == (try standard(alert)))
            #expect(try PayloadCodec.decode(Alert.self, from: fast) == alert)
        }
    }

    @Test func eventsAreWrittenAsJSONEncoderWritesThem() throws {
        let bare = AlertEvent(
            eventID: "alerter-1795924800125-1", ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_126),
            transition: .raised, previousTier: nil, alert: try minimal())
        var full = AlertEvent(
            eventID: "alerter-1795924800125-2", ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_127),
            transition: .shelved, previousTier: .warning, alert: try full())
        full.alerter = try TopicLevel("alerter")
        full.seq = 42
        full.user = "Somchai"
        full.comment = "until the bearing comes"
        for event in [bare, full] {
            let fast = try #require(event.encodedJSON())
            #expect(String(decoding: fast, as: UTF8.self) == (try standard(event)))
            #expect(try PayloadCodec.decode(AlertEvent.self, from: fast) == event)
        }
    }

    @Test func aNumberJSONCannotCarryIsNotWritten() throws {
        var alert = try minimal()
        alert.value = .nan
        #expect(alert.encodedJSON() == nil)
        #expect(
            AlertEvent(eventID: "e", ts: .now(), transition: .raised, previousTier: nil, alert: alert).encodedJSON()
                == nil)
    }
}
