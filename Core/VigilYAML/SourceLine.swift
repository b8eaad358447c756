/// One physical line of the input.
///
/// Lines are split up front so that every error can name a line and column, and so that block
/// scalars can reread raw text (tabs, `#`) that structural parsing would otherwise interpret.
struct SourceLine {
    /// 1-based line number.
    let number: Int
    let text: [Unicode.Scalar]
    /// Leading spaces in the physical line; block scalars measure their indentation with this.
    let leadingSpaces: Int
    /// Offset where structural content begins. A `- ` entry moves it past the dash so that a
    /// mapping starting on the dash line (`- name: a`) is parsed like any other indented block.
    var start: Int
    /// Whitespace-only or comment-only lines carry no structure and never affect indentation.
    let isBlank: Bool

    init(number: Int, text: [Unicode.Scalar]) {
        self.number = number
        self.text = text
        let spaces = text.prefix { $0 == " " }.count
        leadingSpaces = spaces
        start = spaces
        let firstContent = text.firstIndex { !$0.isYAMLSpace }
        isBlank = firstContent.map { text[$0] == "#" } ?? true
    }

    /// `---` or `...` in column 1, followed by nothing but whitespace or a comment.
    func isMarker(_ marker: String) -> Bool {
        let mark = Array(marker.unicodeScalars)
        guard text.starts(with: mark) else { return false }
        return text.count == mark.count || text[mark.count].isYAMLSpace
    }

    /// Offset of the first scalar after a marker that is neither whitespace nor a comment.
    func contentAfterMarker() -> Int? {
        guard let index = text.indices.dropFirst(3).first(where: { !text[$0].isYAMLSpace }) else { return nil }
        return text[index] == "#" ? nil : index
    }

    static func split(_ source: String) -> [SourceLine] {
        var lines: [SourceLine] = []
        var current: [Unicode.Scalar] = []
        var scalars = Substring(source).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        for scalar in scalars {
            if scalar == "\n" {
                if current.last == "\r" { current.removeLast() }
                lines.append(SourceLine(number: lines.count + 1, text: current))
                current = []
            } else {
                current.append(scalar)
            }
        }
        if current.last == "\r" { current.removeLast() }
        lines.append(SourceLine(number: lines.count + 1, text: current))
        return lines
    }
}
