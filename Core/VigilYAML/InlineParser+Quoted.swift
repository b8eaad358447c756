extension InlineParser {
    /// Parses a single- or double-quoted scalar that must close on the same line; multi-line
    /// quoted scalars are outside the subset and report as unterminated.
    mutating func quotedScalar() throws(YAMLError) -> String {
        let open = position
        let quote = text[open]
        let kind = quote == "\"" ? "double-quoted" : "single-quoted"
        var result = String.UnicodeScalarView()
        position += 1
        while let scalar = current {
            if scalar == quote {
                if quote == "'", peek(position + 1) == "'" {
                    result.append("'")
                    position += 2
                    continue
                }
                position += 1
                return String(result)
            }
            if quote == "\"", scalar == "\\" {
                result.append(try escape())
                continue
            }
            result.append(scalar)
            position += 1
        }
        throw error("unterminated \(kind) scalar", at: open)
    }

    /// Decodes one escape after `\`. Unknown escapes are errors rather than literal text so that
    /// most Windows-style paths in double quotes (`"C:\data"`) fail loudly instead of being mangled.
    private mutating func escape() throws(YAMLError) -> Unicode.Scalar {
        let backslash = position
        guard let code = peek(position + 1) else {
            throw error("unterminated double-quoted scalar", at: backslash)
        }
        position += 2
        switch code {
        case "\"": return "\""
        case "\\": return "\\"
        case "/": return "/"
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "0": return "\0"
        case "x": return try hexEscape(digits: 2, backslash: backslash)
        case "u": return try hexEscape(digits: 4, backslash: backslash)
        case "U": return try hexEscape(digits: 8, backslash: backslash)
        default:
            throw error("unknown escape sequence '\\\(code)'", at: backslash)
        }
    }

    private mutating func hexEscape(digits: Int, backslash: Int) throws(YAMLError) -> Unicode.Scalar {
        let end = position + digits
        guard end <= text.count,
            text[position..<end].allSatisfy(\.properties.isASCIIHexDigit),
            let value = UInt32(String(scalars: text[position..<end]), radix: 16),
            let decoded = Unicode.Scalar(value)
        else {
            throw error("invalid escape sequence '\\\(text[backslash + 1])'", at: backslash)
        }
        position = end
        return decoded
    }
}
