import Testing

@testable import VigilDomain

/// The scanner's own number reading must give exactly the Double that `Double(String)` (strtod,
/// correctly rounded) gives, bit for bit, for every token; it only decides which tokens it can
/// read itself.
@Suite struct JSONScannerNumberTests {
    func scanned(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            guard let value = scanner.number(), scanner.atEnd else { return nil }
            return value
        }
    }

    func exact(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { JSONScanner.exactDouble($0) }
    }

    func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = Double(text)
        let got = scanned(text)
        #expect(
            got?.bitPattern == expected?.bitPattern,
            "\(text): \(String(describing: got)) against \(String(describing: expected))",
            sourceLocation: sourceLocation)
    }

    @Test func agreesWithStrtodOnEdgeCases() {
        let tokens = [
            "0", "-0", "0.0", "-0.0", "1", "-1", "13.5", "0.1", "0.2", "0.3", "1e22", "1e23", "1e-22", "1e-23",
            "9007199254740992", "9007199254740993", "9007199254740991.5", "-9007199254740993", "123456789012345678",
            "0.000000000000000000000000001", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308",
            "3.14159265358979323846", "1E5", "1e+5", "1e-5", "12.5E-3", "0e999", "100000000000000000000000",
            "0.30000000000000004", "5e-1", "72.90000000000001", "1480", "41.2", "-273.15",
        ]
        for token in tokens { expectSame(token) }
    }

    @Test func agreesWithStrtodOnGeneratedDecimals() {
        var state: UInt64 = 2026
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for _ in 0..<50_000 {
            let digits = String(next() % (next() % 2 == 0 ? 1_000_000 : 1 << 53))
            let point = Int(next() % UInt64(digits.count + 1))
            var token = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if token.hasPrefix(".") { token = "0" + token }
            if token.hasSuffix(".") { token.removeLast() }
            while token.count > 1, token.hasPrefix("0"), !token.hasPrefix("0.") { token.removeFirst() }
            if next() % 3 == 0 { token += "e\(Int(next() % 60) - 30)" }
            if next() % 2 == 0 { token = "-" + token }
            expectSame(token)
        }
    }

    @Test func readsSensorValuesItselfAndLeavesTheRestToStrtod() {
        #expect(exact("13.5") == 13.5)
        #expect(exact("-0.12") == -0.12)
        #expect(exact("1e22") == 1e22)
        #expect(exact("1e23") == nil)
        #expect(exact("9007199254740993") == nil)
        #expect(exact("1e-400") == nil)
        #expect(scanned("1e400") == nil, "not finite")
    }
}
