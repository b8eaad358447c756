extension BlockParser {
    private enum Chomping {
        case clip, strip, keep
    }

    /// Reads a literal (`|`) or folded (`>`) block scalar. They are supported because long
    /// texts such as alert templates read far better unescaped; explicit indentation indicators
    /// (`|2`) are not, as the content's first line always determines indentation here.
    mutating func parseBlockScalar(on line: SourceLine, at offset: Int, parentIndent: Int) throws(YAMLError)
        -> YAMLNode
    {
        let folded = line.text[offset] == ">"
        let chomping = try blockScalarHeader(on: line, at: offset)
        index += 1

        var contentIndent: Int?
        var body: [ArraySlice<Unicode.Scalar>] = []
        while index < lines.count {
            let raw = lines[index]
            if raw.isMarker("---") || raw.isMarker("...") { break }
            let spaces = raw.leadingSpaces
            if spaces == raw.text.count, contentIndent.map({ spaces <= $0 }) ?? true {
                body.append([])
                index += 1
                continue
            }
            let indent = contentIndent ?? spaces
            guard spaces >= indent, indent > parentIndent else { break }
            contentIndent = indent
            body.append(raw.text[indent...])
            index += 1
        }

        var trailingBreaks = 0
        while body.last?.isEmpty == true {
            body.removeLast()
            trailingBreaks += 1
        }
        // Trailing blank lines were consumed but belong to the enclosing structure; leaving the
        // cursor after them is harmless because blank lines carry no structure.
        var text = folded ? Self.fold(body) : body.map { String(scalars: $0) }.joined(separator: "\n")
        if !body.isEmpty {
            switch chomping {
            case .strip:
                break
            case .clip:
                text += "\n"
            case .keep:
                text += String(repeating: "\n", count: trailingBreaks + 1)
            }
        } else if chomping == .keep {
            text = String(repeating: "\n", count: trailingBreaks)
        }
        return .scalar(text, quoted: true)
    }

    private func blockScalarHeader(on line: SourceLine, at offset: Int) throws(YAMLError) -> Chomping {
        var position = offset + 1
        var chomping = Chomping.clip
        if position < line.text.count {
            switch line.text[position] {
            case "-":
                chomping = .strip
                position += 1
            case "+":
                chomping = .keep
                position += 1
            default:
                break
            }
        }
        if position < line.text.count, line.text[position].properties.numericType != nil {
            throw error(line, at: position, "explicit indentation indicators are not supported")
        }
        guard InlineParser(line, at: position).restIsEmpty,
            position == line.text.count || line.text[position].isYAMLSpace
        else {
            throw error(line, at: position, "unexpected text after block scalar indicator")
        }
        return chomping
    }

    /// Folding joins adjacent lines with a space, keeps a newline per blank line, and leaves
    /// more-indented lines (code, tables) on their own lines, as the YAML spec prescribes.
    private static func fold(_ lines: [ArraySlice<Unicode.Scalar>]) -> String {
        var result = ""
        var pendingBlank = 0
        var previousWasText = false
        var previousMoreIndented = false
        for line in lines {
            guard let first = line.first else {
                pendingBlank += 1
                continue
            }
            let moreIndented = first.isYAMLSpace
            if previousWasText {
                let keepsBreak = moreIndented || previousMoreIndented
                if pendingBlank == 0 {
                    result += keepsBreak ? "\n" : " "
                } else {
                    result += String(repeating: "\n", count: keepsBreak ? pendingBlank + 1 : pendingBlank)
                }
            } else {
                result += String(repeating: "\n", count: pendingBlank)
            }
            result += String(scalars: line)
            pendingBlank = 0
            previousWasText = true
            previousMoreIndented = moreIndented
        }
        return result
    }
}
