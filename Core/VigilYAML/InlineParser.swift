/// Reads what fits on a single line: mapping keys, plain and quoted scalars, flow collections.
///
/// Everything the config subset allows within a line is handled here so that `BlockParser` only
/// has to reason about indentation and line structure.
struct InlineParser {
    let text: [Unicode.Scalar]
    let lineNumber: Int
    var position: Int

    /// A mapping key found at the start of a line, plus where its value begins (`nil` when the
    /// value is on following lines or absent).
    struct Key {
        let text: String
        let column: Int
        let isPlain: Bool
        let valueStart: Int?
    }

    init(_ line: SourceLine, at position: Int) {
        text = line.text
        lineNumber = line.number
        self.position = position
    }

    var current: Unicode.Scalar? { position < text.count ? text[position] : nil }

    func peek(_ offset: Int) -> Unicode.Scalar? { offset < text.count ? text[offset] : nil }

    func error(_ reason: String, at offset: Int? = nil) -> YAMLError {
        YAMLError(line: lineNumber, column: (offset ?? position) + 1, reason: reason)
    }

    mutating func skipSpaces() {
        while let scalar = current, scalar.isYAMLSpace { position += 1 }
    }

    /// YAML only treats `#` as a comment at the start of content or after whitespace, which keeps
    /// values such as `color: red#1` intact.
    func isCommentStart(at offset: Int) -> Bool {
        peek(offset) == "#" && (offset == 0 || text[offset - 1].isYAMLSpace)
    }

    /// True when only whitespace and possibly a comment remain on the line.
    var restIsEmpty: Bool {
        var probe = self
        probe.skipSpaces()
        return probe.current == nil || probe.isCommentStart(at: probe.position)
    }

    func isSeparated(at offset: Int) -> Bool { peek(offset).map(\.isYAMLSpace) ?? true }

    /// Requires the rest of the line to be empty, so that `"a" b` or `[1] 2` are errors rather
    /// than silently truncated values.
    mutating func expectLineEnd() throws(YAMLError) {
        skipSpaces()
        guard current != nil, !isCommentStart(at: position) else { return }
        throw error("unexpected text after value")
    }

    /// Recognises `key: …` without consuming anything when the line is not a mapping entry.
    mutating func mappingKey() throws(YAMLError) -> Key? {
        let begin = position
        guard let first = current else { return nil }
        try rejectUnsupportedNodeStart()
        let keyText: String
        let isPlain: Bool
        if first == "\"" || first == "'" {
            keyText = try quotedScalar()
            isPlain = false
            skipSpaces()
            guard current == ":", isSeparated(at: position + 1) else {
                position = begin
                return nil
            }
        } else {
            if first == "[" || first == "{" || first == "|" || first == ">" { return nil }
            if first == "-", isSeparated(at: position + 1) { return nil }
            guard let colon = plainKeyColon() else { return nil }
            keyText = String(scalars: text[begin..<colon]).trimmingTrailingSpaces()
            isPlain = true
            if keyText.isEmpty { throw error("empty mapping keys are not supported", at: begin) }
            position = colon
        }
        position += 1
        let valueStart: Int? =
            restIsEmpty
            ? nil
            : {
                var probe = self
                probe.skipSpaces()
                return probe.position
            }()
        if let valueStart { position = valueStart }
        return Key(text: keyText, column: begin + 1, isPlain: isPlain, valueStart: valueStart)
    }

    /// Offset of the `: ` that ends a plain key, or `nil` if the line holds no key.
    private func plainKeyColon() -> Int? {
        var offset = position
        while offset < text.count {
            if isCommentStart(at: offset) { return nil }
            if text[offset] == ":", isSeparated(at: offset + 1) { return offset }
            offset += 1
        }
        return nil
    }

    /// Parses a value that must fill the rest of the line in block context.
    mutating func blockValue() throws(YAMLError) -> YAMLNode {
        let node: YAMLNode
        switch current {
        case "\"", "'":
            node = .scalar(try quotedScalar(), quoted: true)
        case "[", "{":
            node = try flowCollection()
        default:
            node = try blockPlainScalar()
        }
        try expectLineEnd()
        return node
    }

    /// Refuses node properties and indicators that the subset deliberately leaves out, so that a
    /// config relying on them fails loudly instead of being read as literal text.
    mutating func rejectUnsupportedNodeStart() throws(YAMLError) {
        guard let first = current else { return }
        switch first {
        case "&", "*":
            throw error("anchors and aliases are not supported")
        case "!":
            throw error("tags are not supported")
        case "?" where isSeparated(at: position + 1):
            throw error("complex mapping keys are not supported")
        case "%", "@", "`":
            throw error("'\(first)' cannot start a plain scalar; quote the value")
        default:
            return
        }
    }

    private mutating func blockPlainScalar() throws(YAMLError) -> YAMLNode {
        try rejectUnsupportedNodeStart()
        let begin = position
        guard let first = current else { return .null }
        if first == "-", isSeparated(at: position + 1) {
            throw error("block sequence entries are not allowed here")
        }
        if first == "]" || first == "}" || first == "," {
            throw error("unexpected '\(first)'")
        }
        var end = begin
        while let scalar = current, !isCommentStart(at: position) {
            if scalar == ":", isSeparated(at: position + 1) {
                throw error("mapping values are not allowed here")
            }
            position += 1
            if !scalar.isYAMLSpace { end = position }
        }
        return Self.plain(String(scalars: text[begin..<end]))
    }

    /// Applies the YAML core schema's null rule at parse time so that accessors never have to
    /// tell an absent value from the word `null`.
    static func plain(_ text: String) -> YAMLNode {
        switch text {
        case "", "~", "null", "Null", "NULL":
            return .null
        default:
            return .scalar(text, quoted: false)
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var scalars = unicodeScalars[...]
        while let last = scalars.last, last.isYAMLSpace { scalars = scalars.dropLast() }
        return String(scalars: scalars)
    }
}
