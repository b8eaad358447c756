import Testing

@testable import VigilDomain

@Suite struct AcknowledgementTests {
    @Test func roundTripsWithGaps() throws {
        let ack = Acknowledgement(
            collector: try TopicLevel("collector-1"),
            assets: [
                "str-1": .init(committed: 81234),
                "pump-2": .init(committed: 769, latest: 790, gaps: [770...772, 780...780]),
            ])
        let json = PayloadCodec.encode(ack)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""gaps":{"pump-2":[[770,772],[780,780]]}"#))
        #expect(!text.contains(#""str-1":[["#))
        #expect(try PayloadCodec.decode(Acknowledgement.self, from: json, maximumBytes: 65536) == ack)
    }

    @Test func storedRangesLeaveOutTheGaps() {
        let progress = Acknowledgement.Progress(committed: 10, latest: 30, gaps: [11...12, 20...25])
        #expect(progress.stored == [1...10, 13...19, 26...30])
        #expect(Acknowledgement.Progress(committed: 0).stored.isEmpty)
    }

    @Test func refusesAGapBelowTheWatermarkNamingTheField() {
        let json = Array(#"{"v":1,"collector":"c","committed":{"a":10},"latest":{"a":20},"gaps":{"a":[[5,6]]}}"#.utf8)
        #expect {
            try PayloadCodec.decode(Acknowledgement.self, from: json, maximumBytes: 65536)
        } throws: { error in
            "\(error)".contains("gaps.a[0]")
        }
    }

    @Test func markingAReadingHistoricalKeepsItValidAndMarksItOnce() throws {
        let reading = Reading(
            site: try TopicLevel("s"), asset: try TopicLevel("a"), kind: .generic, seq: 3, ts: .now(), source: "sim",
            values: .init(scalars: ["x_c": 1.5]), collector: try TopicLevel("collector"))
        let marked = Reading.markedHistorical(reading.encodedJSON())
        #expect(Reading.markedHistorical(marked) == marked)
        let decoded = try PayloadCodec.decode(Reading.self, from: marked, maximumBytes: 65536)
        #expect(decoded.historical)
        #expect(decoded.collector?.rawValue == "collector")
        var expected = reading
        expected.historical = true
        #expect(decoded.seq == expected.seq && decoded.values == expected.values)
    }
}
