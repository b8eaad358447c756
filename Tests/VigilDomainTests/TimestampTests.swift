import Testing
import VigilDomain

@Suite struct TimestampTests {
    @Test func formatsRFC3339WithMilliseconds() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_924_800_125).rfc3339 == "2026-11-29T04:00:00.125Z")
        #expect(Timestamp(millisecondsSinceEpoch: 951_782_400_000).rfc3339 == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    @Test func parsesWhatItWritesAndCommonVariants() {
        #expect(Timestamp(rfc3339: "2026-11-29T04:00:00.125Z")?.millisecondsSinceEpoch == 1_795_924_800_125)
        #expect(Timestamp(rfc3339: "2026-11-29T04:00:00Z")?.millisecondsSinceEpoch == 1_795_924_800_000)
        #expect(Timestamp(rfc3339: "2026-11-29T11:00:00.1+07:00")?.millisecondsSinceEpoch == 1_795_924_800_100)
        #expect(Timestamp(rfc3339: "2026-11-29T04:00:00.123456Z")?.millisecondsSinceEpoch == 1_795_924_800_123)
        #expect(Timestamp(rfc3339: "2028-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2000-02-29T00:00:00Z") != nil)
        for sample: Int64 in [0, 1, 999, 1_795_924_800_125, 4_102_444_800_000, -86_400_001] {
            let stamp = Timestamp(millisecondsSinceEpoch: sample)
            #expect(Timestamp(rfc3339: stamp.rfc3339) == stamp)
        }
    }

    @Test(arguments: [
        "", "2026-11-29", "2026-11-29T04:00:00", "2026-13-01T00:00:00Z", "2026-11-29T25:00:00Z",
        "2026-11-29T04:00:00.Z", "2026-11-29T04:00:00Zjunk", "yesterday", "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "1900-02-29T00:00:00Z",
    ])
    func refusesMalformedTimes(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}
