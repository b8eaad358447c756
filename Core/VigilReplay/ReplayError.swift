/// Why a replay file, or one row of it, was refused.
///
/// A replay runs unattended inside the collector, so every refusal names the file, the line and
/// the column: "site.csv:412: column \"flow\": is not a number" lets the operator fix the export
/// instead of guessing which of twenty thousand rows was dropped.
public struct ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line of the file; 0 when the refusal concerns the whole file or its configuration.
    public var line: Int
    /// The CSV column (or C-MAPSS metric) at fault; nil when the row or file as a whole is.
    public var column: String?
    public var reason: String

    public init(file: String, line: Int, column: String?, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        guard let column else { return "\(place): \(reason)" }
        return "\(place): column \"\(column)\": \(reason)"
    }
}
