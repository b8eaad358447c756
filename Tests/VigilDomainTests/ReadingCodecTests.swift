import FoundationEssentials
import Testing
import VigilDomain

@Suite struct ReadingCodecTests {
    static let example = """
        {"v":1,"site":"bkk-dc1","asset":"ups1-str01","kind":"vrla_string","seq":81234,
         "ts":"2026-11-29T04:00:00.125Z","source":"modbus-tcp://bms-1:502/unit/1","quality":"good","extra":true,
         "values":{"string_voltage_v":324.6,"string_current_a":0.12,"ambient_temperature_c":26.4,
                   "phase_current_a":[402.0,398.5,405.1],
                   "jars":[{"voltage_v":13.52,"temperature_c":27.1,"resistance_mohm":3.94},
                           {"voltage_v":13.49,"temperature_c":27.3,"resistance_mohm":4.02}]}}
        """

    func decode(_ text: String, limit: Int = PayloadCodec.defaultMaximumBytes) throws(PayloadError) -> Reading {
        try PayloadCodec.decode(Reading.self, from: Array(text.utf8), maximumBytes: limit)
    }

    func refusal(_ text: String) -> PayloadError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    func replacing(_ old: String, with new: String) -> String {
        Self.example.replacingOccurrences(old, new)
    }

    @Test func decodesTheDesignExample() throws {
        let reading = try decode(Self.example)
        #expect(reading.asset.rawValue == "ups1-str01")
        #expect(reading.kind == .vrlaString)
        #expect(reading.seq == 81234)
        #expect(reading.ts.rfc3339 == "2026-11-29T04:00:00.125Z")
        #expect(reading.values.scalars["string_voltage_v"] == 324.6)
        #expect(reading.values.series["phase_current_a"] == [402.0, 398.5, 405.1])
        #expect(reading.values.jars.count == 2)
        #expect(reading.values.jars[1]["resistance_mohm"] == 4.02)
    }

    @Test func roundTrips() throws {
        let reading = try decode(Self.example)
        let again = try PayloadCodec.decode(Reading.self, from: PayloadCodec.encode(reading))
        #expect(again == reading)
    }

    @Test func namesTheFieldOfEveryRefusal() {
        let cases: [(String, String, String)] = [
            ("{not json", "payload", "is not valid JSON"),
            (replacing("\"seq\":81234", with: "\"seq\":\"81234\""), "seq", "expected an integer from 0"),
            (replacing("\"asset\":\"ups1-str01\",", with: ""), "asset", "is missing"),
            (replacing("\"ups1-str01\"", with: "\"ups1/str01\""), "asset", "contains '/'"),
            (
                replacing("\"voltage_v\":13.49", with: "\"voltage_v\":\"13.49\""), "values.jars[1].voltage_v",
                "expected a number"
            ),
            (replacing("\"voltage_v\":13.49", with: "\"voltage_v\":NaN"), "payload", "is not valid JSON"),
            (replacing("\"voltage_v\":13.49", with: "\"voltage_v\":null"), "values.jars[1].voltage_v", "is null"),
            (replacing("324.6", with: "1e999"), "values.string_voltage_v", "expected a number or an array of numbers"),
            (replacing("\"seq\":81234", with: "\"seq\":9223372036854775808"), "seq", "expected an integer from 0"),
            (replacing("\"seq\":81234", with: "\"seq\":-1"), "seq", "expected an integer from 0"),
            (replacing("2026-11-29T04", with: "2026-02-31T04"), "ts", "is not an RFC 3339 time"),
            (
                replacing("324.6", with: "\"high\""), "values.string_voltage_v",
                "expected a number or an array of numbers"
            ),
            (replacing("\"v\":1", with: "\"v\":2"), "v", "schema version 2 is not supported"),
            (replacing("2026-11-29T04:00:00.125Z", with: "yesterday"), "ts", "is not an RFC 3339 time"),
            (replacing("\"kind\":\"vrla_string\"", with: "\"kind\":\"\""), "kind", "is empty"),
            ("[]", "payload", "expected an object"),
        ]
        for (text, field, reason) in cases {
            let error = refusal(text)
            #expect(error?.field == field, "\(text)")
            #expect(error?.reason.hasPrefix(reason) == true, "\(String(describing: error)) should start with \(reason)")
        }
    }

    @Test func refusesOversizeBeforeParsing() {
        let big = "{" + String(repeating: " ", count: 70_000) + "}"
        do {
            _ = try decode(big)
            Issue.record("an oversize payload was accepted")
        } catch {
            #expect(error.field == "payload")
            #expect(error.reason.contains("over the 65536-byte limit"))
        }
        #expect(refusal("")?.reason == "is empty")
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

@Suite struct ReadingFastJSONTests {
    @Test func writesWhatTheStandardEncoderWrites() throws {
        var jars: [[String: Double]] = []
        for index in 0..<24 {
            jars.append(["voltage_v": 13.5 + Double(index) / 1000, "temperature_c": -2.25, "resistance_mohm": 3.95e-7])
        }
        let reading = Reading(
            site: try TopicLevel("bkk-dc1"), asset: try TopicLevel("ups1-str01"), kind: .vrlaString, seq: 81234,
            ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_125),
            source: "modbus-rtu:///dev/ttyUSB0 \"quoted\"\\\n",
            quality: .commError,
            values: .init(
                scalars: ["string_voltage_v": 324.6, "big": 1e300, "whole": 42, "negative": -0.5],
                series: ["phase_current_a": [402, 398.5, 405.125]], jars: jars))
        let fast = reading.encodedJSON()
        let standard = Array(try JSONEncoder().encode(reading))
        #expect(try PayloadCodec.decode(Reading.self, from: fast) == reading)
        #expect(try PayloadCodec.decode(Reading.self, from: standard) == reading)
        // Same keys in the same order: only number spelling may differ (324.6 either way, 42 vs 42).
        #expect(
            String(decoding: fast, as: UTF8.self).hasPrefix(
                #"{"asset":"ups1-str01","kind":"vrla_string","quality":"comm_error","seq":81234,"#))
    }
}

@Suite struct JSONWriterTests {
    @Test(arguments: [
        (13_498, 3, "13.498"), (13_500, 3, "13.5"), (32_460, 2, "324.6"), (-15, 2, "-0.15"), (5, 3, "0.005"),
        (0, 2, "0"), (100, 2, "1"), (-1200, 1, "-120"), (70_000, 3, "70"), (Int64.min + 1, 0, "-9223372036854775807"),
        (42, 0, "42"), (7, 1, "0.7"),
    ])
    func writesExactDecimals(_ value: Int64, _ places: Int, _ text: String) {
        var writer = JSONWriter(capacity: 32)
        writer.decimal(value, places: places)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
    }
}
