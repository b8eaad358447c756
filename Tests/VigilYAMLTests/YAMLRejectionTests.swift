import Testing
import VigilYAML

@Suite struct YAMLRejectionTests {
    private func expectRejection(
        _ text: String,
        line: Int,
        column: Int,
        _ reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(throws: YAMLError(line: line, column: column, reason: reason), sourceLocation: sourceLocation) {
            try YAML.parse(text)
        }
    }

    @Test func errorDescriptionNamesLineAndColumn() {
        let error = YAMLError(line: 4, column: 3, reason: "duplicate key 'host'")
        #expect(error.description == "line 4, column 3: duplicate key 'host'")
    }

    @Test func tabInIndentation() {
        expectRejection("a:\n\tb: 1", line: 2, column: 1, "tab in indentation")
        expectRejection("a:\n  \tb: 1", line: 2, column: 3, "tab in indentation")
        expectRejection("-\tx", line: 1, column: 2, "tab in indentation")
    }

    @Test func duplicateKey() {
        expectRejection("broker:\n  host: a\n  port: 1\n  host: b", line: 4, column: 3, "duplicate key 'host'")
        expectRejection("a: 1\n\"a\": 2", line: 2, column: 1, "duplicate key 'a'")
        expectRejection("x: {a: 1, a: 2}", line: 1, column: 11, "duplicate key 'a'")
    }

    @Test func badIndentation() {
        expectRejection("a:\n    b: 1\n  c: 2", line: 3, column: 3, "bad indentation")
        expectRejection("a: 1\n  b: 2", line: 2, column: 3, "bad indentation")
        expectRejection("- a\n  - b", line: 2, column: 3, "bad indentation")
        expectRejection("  a: 1\nb: 2", line: 2, column: 1, "bad indentation")
    }

    @Test func mixedBlockKinds() {
        expectRejection("a: 1\n- b", line: 2, column: 1, "unexpected sequence entry in a mapping")
        expectRejection("a:\n  - x\n  b: 1", line: 3, column: 3, "expected a sequence entry '- '")
        expectRejection("a: b: c", line: 1, column: 5, "mapping values are not allowed here")
        expectRejection("a: - b", line: 1, column: 4, "block sequence entries are not allowed here")
    }

    @Test func anchorsAndAliases() {
        expectRejection("a: &x 1", line: 1, column: 4, "anchors and aliases are not supported")
        expectRejection("a: 1\nb: *x", line: 2, column: 4, "anchors and aliases are not supported")
        expectRejection("- &x a", line: 1, column: 3, "anchors and aliases are not supported")
        expectRejection("a: [1, *x]", line: 1, column: 8, "anchors and aliases are not supported")
    }

    @Test func tags() {
        expectRejection("a: !!str 1", line: 1, column: 4, "tags are not supported")
        expectRejection("!tag a: 1", line: 1, column: 1, "tags are not supported")
    }

    @Test func mergeKeys() {
        expectRejection("base: {a: 1}\nother:\n  <<: {b: 2}", line: 3, column: 3, "merge keys are not supported")
        expectRejection("a: {<<: x}", line: 1, column: 5, "merge keys are not supported")
    }

    @Test func multipleDocuments() {
        expectRejection("a: 1\n---\nb: 2", line: 2, column: 1, "multiple documents are not supported")
        expectRejection("---\na: 1\n...\n---\nb: 2", line: 4, column: 1, "multiple documents are not supported")
        expectRejection("a: 1\n...\nb: 2", line: 3, column: 1, "unexpected content after document end marker '...'")
    }

    @Test func unterminatedQuotes() {
        expectRejection("a: \"abc", line: 1, column: 4, "unterminated double-quoted scalar")
        expectRejection("a: 1\nb: 'it''s", line: 2, column: 4, "unterminated single-quoted scalar")
        expectRejection("\"key: 1", line: 1, column: 1, "unterminated double-quoted scalar")
    }

    @Test func unterminatedFlowCollections() {
        expectRejection("a: [1, 2", line: 1, column: 4, "unterminated flow sequence")
        expectRejection("a: {b: 1, c: [2]", line: 1, column: 4, "unterminated flow mapping")
        expectRejection("a: [1, 2  # comment ]", line: 1, column: 4, "unterminated flow sequence")
    }

    @Test func keyWithoutColon() {
        expectRejection("a: 1\nb", line: 2, column: 1, "missing ':' after key 'b'")
        expectRejection("a:\n  b: 1\n  c  # comment", line: 3, column: 3, "missing ':' after key 'c'")
        expectRejection("a: {b: 1, c}", line: 1, column: 11, "missing ':' after key 'c'")
    }

    @Test func badEscapes() {
        expectRejection(#"path: "C:\data""#, line: 1, column: 10, #"unknown escape sequence '\d'"#)
        expectRejection(#"a: "\u12G4""#, line: 1, column: 5, #"invalid escape sequence '\u'"#)
    }

    @Test func textAfterValue() {
        expectRejection("a: \"x\" y", line: 1, column: 8, "unexpected text after value")
        expectRejection("a: [1] 2", line: 1, column: 8, "unexpected text after value")
    }

    @Test func otherUnsupportedSyntax() {
        expectRejection("? complex\n: value", line: 1, column: 1, "complex mapping keys are not supported")
        expectRejection("fmt: %Y", line: 1, column: 6, "'%' cannot start a plain scalar; quote the value")
        expectRejection("a: |2\n  x", line: 1, column: 5, "explicit indentation indicators are not supported")
        expectRejection("%YAML 1.2\n---\na: 1", line: 1, column: 1, "directives are not supported")
        expectRejection("--- a: 1", line: 1, column: 5, "content on a document marker line is not supported")
        expectRejection("a: [b: 1]", line: 1, column: 6, "mappings inside flow sequences are not supported")
    }
}
