/// Why a configuration file was refused, pointing at the exact spot so that an operator on a
/// headless edge box can fix the file from one log line.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number.
    public let line: Int
    /// 1-based column, counted in Unicode scalars.
    public let column: Int
    public let reason: String

    /// Public so that callers' tests can compare thrown errors with `#expect(throws:)`.
    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "line \(line), column \(column): \(reason)" }
}
