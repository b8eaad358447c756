import Testing
import VigilYAML

@Suite struct YAMLAccessorTests {
    private func plain(_ text: String) -> YAMLNode { .scalar(text, quoted: false) }
    private func quoted(_ text: String) -> YAMLNode { .scalar(text, quoted: true) }

    @Test func stringValue() {
        #expect(plain("42").stringValue == "42")
        #expect(quoted("x").stringValue == "x")
        #expect(YAMLNode.null.stringValue == nil)
        #expect(YAMLNode.sequence([]).stringValue == nil)
    }

    @Test func isNull() {
        #expect(YAMLNode.null.isNull)
        #expect(!quoted("null").isNull)
        #expect(!YAMLNode.mapping([]).isNull)
    }

    @Test func collectionValues() {
        let mapping = YAMLNode.mapping([(key: "a", value: plain("1"))])
        #expect(mapping.mappingValue?.first?.key == "a")
        #expect(mapping.sequenceValue == nil)
        #expect(YAMLNode.sequence([plain("x")]).sequenceValue == [plain("x")])
        #expect(plain("x").mappingValue == nil)
    }

    @Test func boolValue() {
        for text in ["true", "True", "TRUE"] { #expect(plain(text).boolValue == true) }
        for text in ["false", "False", "FALSE"] { #expect(plain(text).boolValue == false) }
        for text in ["yes", "no", "on", "off", "y", "tRUE", "1"] { #expect(plain(text).boolValue == nil, "\(text)") }
        #expect(quoted("true").boolValue == nil)
    }

    @Test func intValue() {
        #expect(plain("1883").intValue == 1883)
        #expect(plain("-12").intValue == -12)
        #expect(plain("+7").intValue == 7)
        #expect(plain("0x1F").intValue == 31)
        #expect(plain("0xff").intValue == 255)
        for text in ["1_000", "1.0", "0x", "0xG", "0x-1", "-", "", "1e3", "99999999999999999999", " 1"] {
            #expect(plain(text).intValue == nil, "\(text)")
        }
        #expect(quoted("42").intValue == nil)
    }

    @Test func doubleValue() {
        #expect(plain("13.0").doubleValue == 13.0)
        #expect(plain("-0.5").doubleValue == -0.5)
        #expect(plain(".5").doubleValue == 0.5)
        #expect(plain("1.").doubleValue == 1.0)
        #expect(plain("1e3").doubleValue == 1000)
        #expect(plain("2.5E-1").doubleValue == 0.25)
        #expect(plain("42").doubleValue == 42)
        #expect(plain("0x10").doubleValue == 16)
        for text in [".nan", ".inf", "-.inf", "nan", "inf", "1_0.0", ".", "1e", "e3", "0x1p3", "1.2.3"] {
            #expect(plain(text).doubleValue == nil, "\(text)")
        }
        #expect(quoted("1.5").doubleValue == nil)
    }

    @Test func keySubscript() throws {
        let node = try YAML.parse("a: 1\nb: {c: x}")
        #expect(node["a"]?.intValue == 1)
        #expect(node["b"]?["c"]?.stringValue == "x")
        #expect(node["missing"] == nil)
        #expect(plain("x")["a"] == nil)
    }
}
