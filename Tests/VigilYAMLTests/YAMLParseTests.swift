import Testing
import VigilYAML

@Suite struct YAMLParseTests {
    @Test func emptyDocumentIsNull() throws {
        #expect(try YAML.parse("") == .null)
        #expect(try YAML.parse("\n  \n# only a comment\n") == .null)
        #expect(try YAML.parse("---\n...\n") == .null)
    }

    @Test func commentsAreIgnoredOutsideQuotes() throws {
        let node = try YAML.parse(
            """
            # full line
            a: 1  # trailing
              # indented comment
            b: "x # not a comment"
            c: red#1
            d: 'y # also not'
            """
        )
        #expect(
            node
                == .mapping([
                    (key: "a", value: .scalar("1", quoted: false)),
                    (key: "b", value: .scalar("x # not a comment", quoted: true)),
                    (key: "c", value: .scalar("red#1", quoted: false)),
                    (key: "d", value: .scalar("y # also not", quoted: true)),
                ])
        )
    }

    @Test func documentMarkers() throws {
        let node = try YAML.parse("--- # start\na: 1\n...\n# trailing comment\n")
        #expect(node == .mapping([(key: "a", value: .scalar("1", quoted: false))]))
    }

    @Test func nestedMappingsWithAnyConsistentIndentation() throws {
        let node = try YAML.parse(
            """
            outer:
                inner:
                  leaf: x
                other: y
            top: z
            """
        )
        #expect(
            node
                == .mapping([
                    (
                        key: "outer",
                        value: .mapping([
                            (key: "inner", value: .mapping([(key: "leaf", value: .scalar("x", quoted: false))])),
                            (key: "other", value: .scalar("y", quoted: false)),
                        ])
                    ),
                    (key: "top", value: .scalar("z", quoted: false)),
                ])
        )
    }

    @Test func mappingKeepsFileOrder() throws {
        let node = try YAML.parse("zeta: 1\nalpha: 2\nmid: 3")
        #expect(node.mappingValue?.map(\.key) == ["zeta", "alpha", "mid"])
        #expect(node != .mapping([(key: "alpha", value: .scalar("2", quoted: false))]))
    }

    @Test func blockSequence() throws {
        let node = try YAML.parse("- a\n- 'b'\n-\n- - x\n  - y\n")
        #expect(
            node
                == .sequence([
                    .scalar("a", quoted: false),
                    .scalar("b", quoted: true),
                    .null,
                    .sequence([.scalar("x", quoted: false), .scalar("y", quoted: false)]),
                ])
        )
    }

    @Test func sequenceOfMappings() throws {
        let node = try YAML.parse(
            """
            - name: a
              port: 1
            -
              name: b
              port: 2
            """
        )
        #expect(
            node
                == .sequence([
                    .mapping([
                        (key: "name", value: .scalar("a", quoted: false)),
                        (key: "port", value: .scalar("1", quoted: false)),
                    ]),
                    .mapping([
                        (key: "name", value: .scalar("b", quoted: false)),
                        (key: "port", value: .scalar("2", quoted: false)),
                    ]),
                ])
        )
    }

    @Test func sequenceAtSameIndentationAsItsKey() throws {
        let node = try YAML.parse(
            """
            key:
            - a
            - b
            next: 1
            item:
              - name: x
                tags:
                - t1
                - t2
              - name: y
            """
        )
        #expect(node["key"] == .sequence([.scalar("a", quoted: false), .scalar("b", quoted: false)]))
        #expect(node["next"]?.intValue == 1)
        let items = try #require(node["item"]?.sequenceValue)
        #expect(items.count == 2)
        #expect(items[0]["tags"] == .sequence([.scalar("t1", quoted: false), .scalar("t2", quoted: false)]))
        #expect(items[1]["name"]?.stringValue == "y")
    }

    @Test func plainScalarsMayContainColonsNotFollowedBySpace() throws {
        let node = try YAML.parse("url: modbus-tcp://h:502\ntime: 12:30\nmsg: a, b [c]")
        #expect(node["url"] == .scalar("modbus-tcp://h:502", quoted: false))
        #expect(node["time"]?.stringValue == "12:30")
        #expect(node["msg"]?.stringValue == "a, b [c]")
    }

    @Test func singleQuotedScalar() throws {
        let node = try YAML.parse("a: 'it''s \\n here'\nb: ''")
        #expect(node["a"] == .scalar("it's \\n here", quoted: true))
        #expect(node["b"] == .scalar("", quoted: true))
    }

    @Test func doubleQuotedScalarEscapes() throws {
        let node = try YAML.parse(#"a: "q\" b\\ n\n t\t r\r z\0 u\u00e9 s\/ x\x41 U\U0001F600""#)
        #expect(node["a"] == .scalar("q\" b\\ n\n t\t r\r z\0 u\u{e9} s/ xA U\u{1F600}", quoted: true))
    }

    @Test func quotedKeys() throws {
        let node = try YAML.parse("\"a b\": 1\n'c:d': 2")
        #expect(node.mappingValue?.map(\.key) == ["a b", "c:d"])
    }

    @Test func flowSequence() throws {
        let node = try YAML.parse(#"a: [a, b, "c d", 'e', [1, 2], [], ]"#)
        #expect(
            node["a"]
                == .sequence([
                    .scalar("a", quoted: false),
                    .scalar("b", quoted: false),
                    .scalar("c d", quoted: true),
                    .scalar("e", quoted: true),
                    .sequence([.scalar("1", quoted: false), .scalar("2", quoted: false)]),
                    .sequence([]),
                ])
        )
    }

    @Test func flowMapping() throws {
        let node = try YAML.parse(#"{a: 1, b: [2, 3], c: {d: ~}, "e": x, f: , url: http://h:80}"#)
        #expect(
            node
                == .mapping([
                    (key: "a", value: .scalar("1", quoted: false)),
                    (key: "b", value: .sequence([.scalar("2", quoted: false), .scalar("3", quoted: false)])),
                    (key: "c", value: .mapping([(key: "d", value: .null)])),
                    (key: "e", value: .scalar("x", quoted: false)),
                    (key: "f", value: .null),
                    (key: "url", value: .scalar("http://h:80", quoted: false)),
                ])
        )
    }

    @Test func nullForms() throws {
        let node = try YAML.parse("a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: \"null\"\ng: # comment\n")
        for key in ["a", "b", "c", "d", "e", "g"] {
            #expect(node[key] == .null, "\(key)")
        }
        #expect(node["f"] == .scalar("null", quoted: true))
    }

    @Test func literalBlockScalar() throws {
        let node = try YAML.parse(
            """
            clip: |
              line 1
                indented

              line 3


            strip: |-
              no newline
            keep: |+
              kept

            after: x
            """
        )
        #expect(node["clip"] == .scalar("line 1\n  indented\n\nline 3\n", quoted: true))
        #expect(node["strip"] == .scalar("no newline", quoted: true))
        #expect(node["keep"] == .scalar("kept\n\n", quoted: true))
        #expect(node["after"]?.stringValue == "x")
    }

    @Test func foldedBlockScalar() throws {
        let node = try YAML.parse(
            """
            text: >
              one
              two

              three
                code
              four
            short: >-
              a
              b
            list:
              - >
                item text
                continues
            """
        )
        #expect(node["text"] == .scalar("one two\nthree\n  code\nfour\n", quoted: true))
        #expect(node["short"] == .scalar("a b", quoted: true))
        #expect(node["list"] == .sequence([.scalar("item text continues\n", quoted: true)]))
    }

    @Test func blockScalarKeepsTabsAndHashes() throws {
        let node = try YAML.parse("a: |\n  x\t# y\n  \tz\nb: 1")
        #expect(node["a"] == .scalar("x\t# y\n\tz\n", quoted: true))
        #expect(node["b"]?.intValue == 1)
    }

    @Test func topLevelScalarsAndFlow() throws {
        #expect(try YAML.parse("hello world") == .scalar("hello world", quoted: false))
        #expect(try YAML.parse("\"quoted\"  # c") == .scalar("quoted", quoted: true))
        #expect(try YAML.parse("[1, 2]") == .sequence([.scalar("1", quoted: false), .scalar("2", quoted: false)]))
    }

    @Test func windowsLineEndings() throws {
        let node = try YAML.parse("a: 1\r\nb:\r\n  - x\r\n")
        #expect(
            node
                == .mapping([
                    (key: "a", value: .scalar("1", quoted: false)),
                    (key: "b", value: .sequence([.scalar("x", quoted: false)])),
                ]))
    }

    @Test func tabsAllowedAsSeparatorsInsideALine() throws {
        let node = try YAML.parse("a:\tvalue\t# comment")
        #expect(node["a"]?.stringValue == "value")
    }
}
