extension InlineParser {
    /// Parses `[...]` or `{...}`. Flow collections must close on their own line: configs use them
    /// for short lists and threshold tables, and a one-line rule makes unterminated ones easy to
    /// report at the opening bracket.
    mutating func flowCollection() throws(YAMLError) -> YAMLNode {
        current == "[" ? try flowSequence() : try flowMapping()
    }

    private mutating func flowSequence() throws(YAMLError) -> YAMLNode {
        let open = position
        position += 1
        var items: [YAMLNode] = []
        while true {
            try skipFlowSpaces(unterminated: "flow sequence", open: open)
            if current == "]" { break }
            items.append(try flowNode())
            try skipFlowSpaces(unterminated: "flow sequence", open: open)
            switch current {
            case ",":
                position += 1
            case "]":
                break
            case ":":
                throw error("mappings inside flow sequences are not supported")
            default:
                throw error("expected ',' or ']' in flow sequence")
            }
            if current == "]" { break }
        }
        position += 1
        return .sequence(items)
    }

    private mutating func flowMapping() throws(YAMLError) -> YAMLNode {
        let open = position
        position += 1
        var entries: [(key: String, value: YAMLNode)] = []
        var seen: Set<String> = []
        while true {
            try skipFlowSpaces(unterminated: "flow mapping", open: open)
            if current == "}" { break }
            let keyStart = position
            let key = try flowKey()
            try skipFlowSpaces(unterminated: "flow mapping", open: open)
            guard current == ":" else { throw error("missing ':' after key '\(key)'", at: keyStart) }
            if !seen.insert(key).inserted { throw error("duplicate key '\(key)'", at: keyStart) }
            position += 1
            try skipFlowSpaces(unterminated: "flow mapping", open: open)
            let value: YAMLNode
            if current == "," || current == "}" {
                value = .null
            } else {
                value = try flowNode()
            }
            entries.append((key: key, value: value))
            try skipFlowSpaces(unterminated: "flow mapping", open: open)
            switch current {
            case ",":
                position += 1
            case "}":
                break
            default:
                throw error("expected ',' or '}' in flow mapping")
            }
            if current == "}" { break }
        }
        position += 1
        return .mapping(entries)
    }

    private mutating func flowKey() throws(YAMLError) -> String {
        switch current {
        case "\"", "'":
            return try quotedScalar()
        case "[", "{":
            throw error("flow collections as mapping keys are not supported")
        default:
            let start = position
            let text = try flowPlainText()
            if text == "<<" { throw error("merge keys are not supported", at: start) }
            return text
        }
    }

    private mutating func flowNode() throws(YAMLError) -> YAMLNode {
        switch current {
        case "\"", "'":
            return .scalar(try quotedScalar(), quoted: true)
        case "[", "{":
            return try flowCollection()
        case "|", ">":
            throw error("block scalars are not allowed in flow collections")
        case "-" where isSeparated(at: position + 1):
            throw error("block sequence entries are not allowed in flow collections")
        default:
            return Self.plain(try flowPlainText())
        }
    }

    /// Plain text inside a flow collection stops at `,[]{}` and at a `:` that introduces a value.
    private mutating func flowPlainText() throws(YAMLError) -> String {
        try rejectUnsupportedNodeStart()
        let begin = position
        var end = begin
        while let scalar = current, !scalar.isFlowIndicator, !isCommentStart(at: position) {
            if scalar == ":", peek(position + 1).map({ $0.isYAMLSpace || $0.isFlowIndicator }) ?? true {
                break
            }
            position += 1
            if !scalar.isYAMLSpace { end = position }
        }
        guard end > begin else { throw error(current.map { "unexpected '\($0)'" } ?? "expected a value") }
        return String(scalars: text[begin..<end])
    }

    /// Skips whitespace and reports the collection as unterminated when the line (or a comment)
    /// ends before the closing bracket.
    private mutating func skipFlowSpaces(unterminated kind: String, open: Int) throws(YAMLError) {
        skipSpaces()
        if current == nil || isCommentStart(at: position) {
            throw error("unterminated \(kind)", at: open)
        }
    }
}
