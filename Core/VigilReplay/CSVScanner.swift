/// Splits CSV bytes into rows of fields, RFC 4180 style, without interpreting them.
///
/// Works on bytes rather than `Character`s: grapheme breaking is the slow part of Swift string
/// processing, and every structural byte (delimiter, quote, CR, LF) is ASCII, so a multi-byte
/// UTF-8 sequence can never be mistaken for one.
struct CSVScanner: Sendable {
    struct Row: Sendable {
        /// The line the row starts on; a quoted line break makes a row span several lines.
        var line: Int
        var fields: [String]
        var unterminatedQuote: Bool

        var isBlank: Bool { fields.count == 1 && fields[0].isEmpty && !unterminatedQuote }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    let bytes: [UInt8]
    let delimiter: UInt8
    private var position: Int
    private var line = 1

    init(bytes: [UInt8], delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    mutating func next() -> Row? {
        guard position < bytes.count else { return nil }
        var row = Row(line: line, fields: [], unterminatedQuote: false)
        // An unquoted field is a range of `bytes`, made a `String` once; only a quoted one, whose
        // doubled quotes must be undone, is gathered byte by byte. Appending every byte was a
        // sixth of the collector's samples in a replay (its two passes over the file at start
        // included).
        var start = position
        var end = bytes.count
        var field: [UInt8] = []
        var quoted = false
        var inQuotes = false
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if inQuotes {
                if byte == Self.quote {
                    if position < bytes.count, bytes[position] == Self.quote {
                        field.append(Self.quote)
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == Self.lineFeed { line += 1 }
                    field.append(byte)
                }
            } else if byte == delimiter {
                row.fields.append(quoted ? String(decoding: field, as: UTF8.self) : text(start..<position - 1))
                field.removeAll(keepingCapacity: true)
                quoted = false
                start = position
            } else if byte == Self.lineFeed {
                line += 1
                end = position - 1
                break
            } else if byte == Self.quote, !quoted, bytes[start..<position - 1].allSatisfy(Self.isSpace) {
                quoted = true
                inQuotes = true
            } else if quoted && (Self.isSpace(byte) || byte == Self.carriageReturn) {
                continue  // spaces between a closing quote and the delimiter, or a CRLF's CR
            } else if quoted {
                field.append(byte)
            }
        }
        row.unterminatedQuote = inQuotes
        row.fields.append(quoted ? String(decoding: field, as: UTF8.self) : text(start..<end))
        return row
    }

    /// An unquoted field's text, without surrounding spaces and the CR of a CRLF line end; quoted
    /// fields are taken verbatim.
    private func text(_ range: Range<Int>) -> String {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, Self.isSpace(bytes[start]) { start += 1 }
        while end > start, Self.isSpace(bytes[end - 1]) || bytes[end - 1] == Self.carriageReturn { end -= 1 }
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
