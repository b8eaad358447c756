import Foundation
import Testing

@testable import VigilDomain

/// The fast reader must agree with JSONDecoder on every payload it accepts, and leave every
/// payload it is unsure of (including all invalid ones) to JSONDecoder.
@Suite struct ReadingFastDecodeTests {
    func slow(_ text: String) -> Reading? { try? JSONDecoder().decode(Reading.self, from: Data(text.utf8)) }
    func fast(_ text: String) -> Reading? { Reading.fastDecoded(Array(text.utf8)) }

    @Test func agreesWithJSONDecoderOnGeneratedReadings() throws {
        var state: UInt64 = 99
        func random() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for index in 0..<300 {
            var jars: [[String: Double]] = []
            for _ in 0..<(index % 3 == 0 ? 24 : 0) {
                jars.append([
                    "voltage_v": 12 + random() * 2, "temperature_c": -5 + random() * 60,
                    "resistance_mohm": random() * 8,
                ])
            }
            let reading = Reading(
                site: try TopicLevel("s"), asset: try TopicLevel("asset-\(index)"),
                kind: index % 2 == 0 ? .vrlaString : try AssetKind("turbofan"), seq: UInt64(index * 7919),
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(index) * 1001),
                source: "modbus-tcp://10.0.0.\(index % 250):502/unit/1", quality: index % 5 == 0 ? .stale : .good,
                values: .init(
                    scalars: [
                        "string_voltage_v": 300 + random() * 30, "x_c": -1e-7 * random(), "big": 1e300 * random(),
                    ],
                    series: index % 4 == 0 ? ["phase_current_a": [random() * 400, 0, -random()]] : [:], jars: jars),
                collector: index % 3 == 1 ? nil : try TopicLevel("collector-1"), historical: index % 7 == 0)
            let bytes = reading.encodedJSON()
            let text = String(decoding: bytes, as: UTF8.self)
            let decoded = try #require(Reading.fastDecoded(bytes), "fast path refused \(text)")
            #expect(decoded == slow(text))
            #expect(decoded == reading)
        }
    }

    @Test func leavesEverythingUnusualToJSONDecoder() {
        let base =
            #"{"v":1,"site":"s","asset":"a","kind":"pump","seq":7,"ts":"2026-11-29T04:00:00.000Z","values":{"f":1}}"#
        #expect(fast(base) != nil && fast(base) == slow(base))
        let replacements: [(String, String)] = [
            (#""v":1"#, #""v":2"#),
            (#""seq":7"#, #""seq":-7"#),
            (#""seq":7"#, #""seq":7.5"#),
            (#""seq":7"#, #""seq":"7""#),
            (#""asset":"a""#, #""asset":"a/b""#),
            (#""asset":"a""#, #""asset":"\u0061""#),
            (#""f":1"#, #""f":1e999"#),
            (#""f":1"#, #""f":"1""#),
            (#""f":1"#, #""f":null"#),
            (#""f":1"#, #""f":01"#),
            (#""f":1"#, #""f":1,"f":2"#),
            (#""f":1"#, #""jars":[{"v":"x"}]"#),
            (#""f":1"#, #""bad name":1"#),
            (#""ts":"2026-11-29T04:00:00.000Z""#, #""ts":"yesterday""#),
            (#","values":{"f":1}"#, ""),
            (#""kind":"pump""#, #""kind":"pump","collector":null"#),
            (#""kind":"pump""#, #""kind":"pump","historical":1"#),
            (#""seq":7"#, #""seq":7,"seq":8"#),
            (#""seq":7"#, #""seq":7,"sex":8,"t":1,"tss":2"#),
            (#""kind":"pump""#, #""kind":"pump","kind":"pump""#),
        ]
        var unusual: [String] = replacements.map { base.replacingOccurrences(of: $0.0, with: $0.1) }
        unusual.append(base + "x")
        unusual.append(String(base.dropLast()))
        for text in unusual {
            let result = fast(text)
            // Either left to JSONDecoder, or exactly what JSONDecoder makes of it.
            #expect(result == nil || result == slow(text), "\(text)")
            if slow(text) == nil { #expect(result == nil, "accepted what JSONDecoder refuses: \(text)") }
        }
    }

    @Test func anUnknownKeyThatIsNotUTF8IsLeftToJSONDecoder() {
        let head = Array(#"{"v":1,"site":"s","asset":"a","kind":"pump","seq":7,"#.utf8)
        let tail = Array(#"":1,"ts":"2026-11-29T04:00:00.000Z","values":{"f":1}}"#.utf8)
        #expect(Reading.fastDecoded(head + [0x22, 0x78] + tail) != nil)
        #expect(Reading.fastDecoded(head + [0x22, 0xFF, 0xFE] + tail) == nil)
        #expect(Reading.fastFlattened(head + [0x22, 0xFF, 0xFE] + tail) == nil)
    }

    @Test func ignoresUnknownFieldsOfAnyShape() {
        let text =
            #"{"extra":{"a":[1,{"b":null}],"c":"d"},"v":1,"site":"s","asset":"a","kind":"pump","seq":7,"#
            + #""ts":"2026-11-29T04:00:00.000Z","values":{"f":-0.5e-3},"more":[true,false]}"#
        #expect(fast(text) != nil)
        #expect(fast(text) == slow(text))
    }
}
