/// Builds the node tree from indentation: block mappings, block sequences and the document frame.
///
/// Each block records the column of its first entry; a line indented further than its block, or
/// dedented to a column no open block uses, is an error rather than a guess, because a silently
/// re-parented key in a config file is worse than a refused one.
struct BlockParser {
    /// Internal rather than private so that `BlockParser+BlockScalar` can read raw lines.
    var lines: [SourceLine]
    var index = 0

    init(_ text: String) {
        lines = SourceLine.split(text)
    }

    mutating func parseDocument() throws(YAMLError) -> YAMLNode {
        skipBlankLines()
        if index < lines.count, lines[index].text.first == "%" {
            throw error(lines[index], at: 0, "directives are not supported")
        }
        if index < lines.count, lines[index].isMarker("---") {
            try expectNothingAfterMarker(lines[index])
            index += 1
        }
        let root: YAMLNode
        if try nextLine() != nil {
            root = try parseNode(parentIndent: -1)
        } else {
            root = .null
        }
        try expectDocumentEnd()
        return root
    }

    /// Only one document is allowed; `...` may close it, followed by nothing but comments.
    private mutating func expectDocumentEnd() throws(YAMLError) {
        skipBlankLines()
        guard index < lines.count else { return }
        let line = lines[index]
        if line.isMarker("---") {
            throw error(line, at: 0, "multiple documents are not supported")
        }
        guard line.isMarker("...") else {
            throw error(line, at: line.start, "bad indentation")
        }
        try expectNothingAfterMarker(line)
        index += 1
        skipBlankLines()
        guard index < lines.count else { return }
        let trailing = lines[index]
        if trailing.isMarker("---") {
            throw error(trailing, at: 0, "multiple documents are not supported")
        }
        throw error(trailing, at: trailing.start, "unexpected content after document end marker '...'")
    }

    private func expectNothingAfterMarker(_ line: SourceLine) throws(YAMLError) {
        if let offset = line.contentAfterMarker() {
            throw error(line, at: offset, "content on a document marker line is not supported")
        }
    }

    private mutating func skipBlankLines() {
        while index < lines.count, lines[index].isBlank { index += 1 }
    }

    /// The next line carrying structure, or `nil` at the end of the document. Tabs are checked
    /// here rather than when splitting because block scalar content may legitimately hold them.
    private mutating func nextLine() throws(YAMLError) -> SourceLine? {
        skipBlankLines()
        guard index < lines.count else { return nil }
        let line = lines[index]
        if line.start == 0, line.isMarker("---") || line.isMarker("...") { return nil }
        if line.text[line.start] == "\t" {
            throw error(line, at: line.start, "tab in indentation")
        }
        return line
    }

    /// Parses the block starting on the current line, which must be indented past `parentIndent`.
    private mutating func parseNode(parentIndent: Int) throws(YAMLError) -> YAMLNode {
        let line = lines[index]
        if isSequenceEntry(line) {
            return try parseSequence(indent: line.start, sharesIndentWithKey: false)
        }
        var probe = InlineParser(line, at: line.start)
        if try probe.mappingKey() != nil {
            return try parseMapping(indent: line.start)
        }
        return try parseValue(on: line, at: line.start, parentIndent: parentIndent)
    }

    private mutating func parseMapping(indent: Int) throws(YAMLError) -> YAMLNode {
        var entries: [(key: String, value: YAMLNode)] = []
        var seen: Set<String> = []
        while let line = try nextLine(), line.start >= indent {
            guard line.start == indent else { throw error(line, at: line.start, "bad indentation") }
            if isSequenceEntry(line) {
                throw error(line, at: line.start, "unexpected sequence entry in a mapping")
            }
            var parser = InlineParser(line, at: line.start)
            guard let key = try parser.mappingKey() else {
                throw error(line, at: line.start, "missing ':' after key '\(contentText(of: line))'")
            }
            if key.isPlain, key.text == "<<" {
                throw error(line, at: key.column - 1, "merge keys are not supported")
            }
            if !seen.insert(key.text).inserted {
                throw error(line, at: key.column - 1, "duplicate key '\(key.text)'")
            }
            let value: YAMLNode
            if let valueStart = key.valueStart {
                value = try parseValue(on: line, at: valueStart, parentIndent: indent)
            } else {
                index += 1
                value = try parseNestedBlock(parentIndent: indent, allowSameIndentSequence: true)
            }
            entries.append((key: key.text, value: value))
        }
        return .mapping(entries)
    }

    /// `sharesIndentWithKey` covers `key:\n- a`, where the sequence sits at its key's column and
    /// therefore ends at the next sibling key instead of treating it as an error.
    private mutating func parseSequence(indent: Int, sharesIndentWithKey: Bool) throws(YAMLError) -> YAMLNode {
        var items: [YAMLNode] = []
        while let line = try nextLine(), line.start >= indent {
            guard line.start == indent else { throw error(line, at: line.start, "bad indentation") }
            guard isSequenceEntry(line) else {
                if sharesIndentWithKey { break }
                throw error(line, at: line.start, "expected a sequence entry '- '")
            }
            var content = line.start + 1
            while content < line.text.count, line.text[content] == " " { content += 1 }
            if content < line.text.count, line.text[content] == "\t" {
                throw error(line, at: content, "tab in indentation")
            }
            if content == line.text.count || line.text[content] == "#" {
                index += 1
                items.append(try parseNestedBlock(parentIndent: indent, allowSameIndentSequence: false))
            } else {
                lines[index].start = content
                items.append(try parseNode(parentIndent: indent))
            }
        }
        return .sequence(items)
    }

    /// The value of a key or dash whose own line ended: a deeper block, a same-column sequence
    /// (for keys only), or nothing at all.
    private mutating func parseNestedBlock(parentIndent: Int, allowSameIndentSequence: Bool) throws(YAMLError)
        -> YAMLNode
    {
        guard let next = try nextLine() else { return .null }
        if next.start > parentIndent {
            return try parseNode(parentIndent: parentIndent)
        }
        if allowSameIndentSequence, next.start == parentIndent, isSequenceEntry(next) {
            return try parseSequence(indent: parentIndent, sharesIndentWithKey: true)
        }
        return .null
    }

    /// A value that starts on the current line: a block scalar header or a one-line node.
    private mutating func parseValue(on line: SourceLine, at offset: Int, parentIndent: Int) throws(YAMLError)
        -> YAMLNode
    {
        let first = line.text[offset]
        if first == "|" || first == ">" {
            return try parseBlockScalar(on: line, at: offset, parentIndent: parentIndent)
        }
        var parser = InlineParser(line, at: offset)
        let node = try parser.blockValue()
        index += 1
        return node
    }

    private func isSequenceEntry(_ line: SourceLine) -> Bool {
        let dash = line.start
        guard dash < line.text.count, line.text[dash] == "-" else { return false }
        return dash + 1 == line.text.count || line.text[dash + 1].isYAMLSpace
    }

    /// The line's content without its comment, for quoting back in error messages.
    private func contentText(of line: SourceLine) -> String {
        var end = line.start
        while end < line.text.count, !(line.text[end] == "#" && end > 0 && line.text[end - 1].isYAMLSpace) { end += 1 }
        return String(scalars: line.text[line.start..<end]).trimmingTrailingSpaces()
    }

    func error(_ line: SourceLine, at offset: Int, _ reason: String) -> YAMLError {
        YAMLError(line: line.number, column: offset + 1, reason: reason)
    }
}
