import Testing
import VigilDomain
import VigilReplay

@Suite struct CSVReplayTests {
    @Test func rfc3339RowsBecomeReadingsOfTheMappedSubset() throws {
        var source = try ReplayFixtures.csv(
            """
            time,supply_temp,return_temp,mode
            2026-11-29T04:00:00Z,6.9,12.3,cooling
            2026-11-29T04:00:01.250-07:00,7.0,12.4,cooling
            """, columns: ["supply_temp": "chw_supply_c"])
        #expect(source.totalRecords == 2)
        let first = try #require(source.next()?.record)
        #expect(first.ts == Timestamp(rfc3339: "2026-11-29T04:00:00.000Z"))
        #expect(first.asset == ReplayFixtures.asset)
        #expect(first.kind == .chiller)
        #expect(first.values == Reading.Values(scalars: ["chw_supply_c": 6.9]))
        #expect(first.line == 2)
        let second = try #require(source.next()?.record)
        #expect(second.ts.rfc3339 == "2026-11-29T11:00:01.250Z")
        #expect(second.line == 3)
        #expect(source.next() == nil)
    }

    @Test func epochSecondsAndMillisecondsAreToldApartByMagnitude() throws {
        let source = try ReplayFixtures.csv(
            """
            time,value
            1764388800,1
            1764388800500,2
            1764388801.25,3
            99999999999,4
            100000000000,5
            """)
        let items = Array(source)
        #expect(
            items.compactMap { $0.record?.ts.millisecondsSinceEpoch } == [
                1_764_388_800_000, 1_764_388_800_500, 1_764_388_801_250, 99_999_999_999_000,
            ])
        // 99,999,999,999 is seconds (the year 5138); 1e11 is milliseconds (1973), so it goes back.
        #expect(items.last?.error?.reason.hasPrefix("goes back in time") == true)
    }

    @Test func quotedFieldsKeepDelimitersQuotesAndLineBreaks() throws {
        var source = try ReplayFixtures.csv(
            """
            time,"note, free text",value
            "2026-11-29T04:00:00Z","he said ""hi"", twice", "4.5"
            2026-11-29T04:00:01Z,"two
            lines",5.5
            2026-11-29T04:00:02Z,plain,6.5
            """)
        #expect(source.totalRecords == 3)
        let records = source.compactMap(\.record)
        #expect(records.map { $0.values.scalars } == [["value": 4.5], ["value": 5.5], ["value": 6.5]])
        #expect(records.map(\.line) == [2, 3, 5])
        #expect(source.next()?.record?.values.scalars == ["value": 4.5])
    }

    @Test func crlfLineEndsAndBlankLinesAreTolerated() throws {
        let text = "\u{FEFF}time,a,b\r\n\r\n2026-11-29T04:00:00Z,1,\"2\"\r\n  \r\n2026-11-29T04:00:01Z, 3 ,4\r\n\r\n"
        let source = try ReplayFixtures.csv(text)
        #expect(source.totalRecords == 2)
        let records = source.compactMap(\.record)
        #expect(records.map { $0.values.scalars } == [["a": 1, "b": 2], ["a": 3, "b": 4]])
        #expect(records.map(\.line) == [3, 5])
    }

    @Test func otherDelimitersAreSupportedAndBadOnesRefused() throws {
        let semicolons = try ReplayFixtures.csv("time;a\n2026-11-29T04:00:00Z;1.5\n", delimiter: ";")
        #expect(semicolons.compactMap(\.record).map { $0.values.scalars } == [["a": 1.5]])
        let tabs = try ReplayFixtures.csv("time\ta\n2026-11-29T04:00:00Z\t2.5\n", delimiter: "\t")
        #expect(tabs.compactMap(\.record).map { $0.values.scalars } == [["a": 2.5]])
        let error = ReplayFixtures.configurationError { () throws(ReplayError) in
            try ReplayFixtures.csv("time\"a\n", delimiter: "\"")
        }
        #expect(error?.reason.contains("delimiter") == true)
    }

    @Test func autoMappingTakesEveryNumericColumnUnderItsOwnName() throws {
        let source = try ReplayFixtures.csv(
            """
            time,temperature_c,mode,pressure_kpa
            2026-11-29T04:00:00Z,21.5,auto,
            2026-11-29T04:00:01Z,21.6,auto,101.3
            """)
        let records = source.compactMap(\.record)
        #expect(
            records.map { $0.values.scalars } == [
                ["temperature_c": 21.5], ["temperature_c": 21.6, "pressure_kpa": 101.3],
            ])
    }

    @Test func autoMappingRefusesANumericColumnThatIsNoMetricName() {
        let error = ReplayFixtures.configurationError { () throws(ReplayError) in
            try ReplayFixtures.csv("time,Temp (C),note text\n2026-11-29T04:00:00Z,21.5,fine\n")
        }
        #expect(error?.line == 1)
        #expect(error?.column == "Temp (C)")
        #expect(error?.reason.contains("not a valid metric name") == true)
    }

    @Test func explicitMappingsAreCheckedAgainstTheHeader() {
        func error(_ columns: [String: String], timestamp: String = "time") -> ReplayError? {
            ReplayFixtures.configurationError { () throws(ReplayError) in
                try ReplayFixtures.csv(
                    "time,a,a2,a2\n2026-11-29T04:00:00Z,1,2,3\n", timestampColumn: timestamp, columns: columns)
            }
        }
        #expect(
            error(["a": "bad/name"])
                == ReplayError(
                    file: "site.csv", line: 1, column: "a",
                    reason: "\"bad/name\" is not a valid metric name: contains '/'; only A-Z a-z 0-9 _ . - are allowed")
        )
        #expect(error(["missing": "m"])?.reason == "is not in the header")
        #expect(error(["a2": "m"])?.reason == "appears 2 times in the header")
        #expect(error(["time": "m"])?.reason == "is the timestamp column")
        #expect(
            error(["a": "m"], timestamp: "ts")
                == ReplayError(file: "site.csv", line: 1, column: "ts", reason: "is not in the header"))
        #expect(error(["a": "m"]) == nil)
    }

    @Test func badRowsAreRefusedWithLineAndColumnAndTheReplayGoesOn() throws {
        let source = try ReplayFixtures.csv(
            """
            time,flow,temp
            2026-11-29T04:00:10Z,1.0,20
            2026-11-29T04:00:11Z,abc,20
            yesterday,1.0,20
            2026-11-29T04:00:05Z,1.0,20
            2026-11-29T04:00:12Z,nan,20
            2026-11-29T04:00:12Z,1.0
            2026-11-29T04:00:13,1.0,20
            2026-11-29T04:00:13Z,,
            2026-11-29T04:00:14Z,2.0,21
            """)
        #expect(source.totalRecords == 9)
        let items = Array(source)
        #expect(items.count == 9)
        #expect(items.compactMap(\.record).map(\.line) == [2, 10])
        let errors = items.compactMap(\.error)
        #expect(errors.map(\.line) == [3, 4, 5, 6, 7, 8, 9])
        #expect(errors.map(\.column) == ["flow", "time", "time", "flow", nil, "time", nil])
        #expect(errors[0].description == "site.csv:3: column \"flow\": is not a number: \"abc\"")
        #expect(errors[1].reason.hasPrefix("is neither an RFC 3339 time"))
        #expect(
            errors[2].reason
                == "goes back in time: 2026-11-29T04:00:05.000Z is before 2026-11-29T04:00:10.000Z of the previous row")
        #expect(errors[4].reason == "has 2 fields; the header has 3")
        #expect(errors[6].reason == "has no value in any mapped column")
    }

    @Test func equalTimestampsAreNotBackwards() throws {
        let source = try ReplayFixtures.csv("time,a\n2026-11-29T04:00:00Z,1\n2026-11-29T04:00:00Z,2\n")
        #expect(source.compactMap(\.record).count == 2)
    }

    @Test func anUnterminatedQuoteRefusesTheRestOfTheFile() throws {
        var source = try ReplayFixtures.csv("time,a\n2026-11-29T04:00:00Z,1\n2026-11-29T04:00:01Z,\"2\n3\n")
        #expect(source.totalRecords == 2)
        #expect(source.next()?.record != nil)
        #expect(
            source.next()?.error
                == ReplayError(file: "site.csv", line: 3, column: nil, reason: "has a quote that is never closed"))
        #expect(source.next() == nil)
    }

    @Test func anEmptyFileIsRefusedAndAHeaderOnlyFileReplaysNothing() throws {
        for empty in ["", "\n\n", " \r\n"] {
            let error = ReplayFixtures.configurationError { () throws(ReplayError) in try ReplayFixtures.csv(empty) }
            #expect(
                error
                    == ReplayError(file: "site.csv", line: 0, column: nil, reason: "is empty; a header row is expected")
            )
        }
        for headerOnly in ["time,a", "time,a\r\n", "time,a\n\n"] {
            var source = try ReplayFixtures.csv(headerOnly)
            #expect(source.totalRecords == 0)
            #expect(source.next() == nil)
        }
    }

    @Test func aMissingFileIsRefusedWithTheSystemsReason() {
        let replay = CSVReplay(
            path: "/nonexistent/site.csv", asset: ReplayFixtures.asset, kind: .generic, timestampColumn: "time")
        let error = ReplayFixtures.configurationError { () throws(ReplayError) in try ReplaySource.csv(replay) }
        #expect(error?.description == "/nonexistent/site.csv: cannot be opened: No such file or directory")
    }

    @Test func aRecordBecomesTheReadingTheCollectorPublishes() throws {
        var source = try ReplayFixtures.csv("time,a\n2026-11-29T04:00:00Z,1\n")
        let record = try #require(source.next()?.record)
        let reading = record.reading(site: try TopicLevel("bkk-dc1"), seq: 7, source: "replay:site.csv")
        #expect(reading.asset == ReplayFixtures.asset)
        #expect(reading.seq == 7)
        #expect(reading.ts == record.ts)
        #expect(reading.values.scalars == ["a": 1])
        #expect(reading.quality == .good)
    }
}
