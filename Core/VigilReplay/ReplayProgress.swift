/// The one-line progress report a replay prints on a terminal, e.g.
/// `replay train_FD001.txt: 12034/20631 records (58.3 %), 3 refused, 4120 records/s, ETA 2 s`.
///
/// Computed from counts and elapsed time passed in, never from a clock, so the text is
/// deterministic and tested. `done` counts every record handled, published or refused.
public struct ReplayProgress: Sendable {
    /// The file's name without its directories, which would only push the numbers off the line.
    public let name: String

    public init(file: String) {
        name = file.split(separator: "/").last.map(String.init) ?? file
    }

    /// Rate and ETA are left out until some time has passed and a record is done, since they would
    /// be infinite or meaningless; the ETA is left out once everything is done.
    public func line(done: Int, total: Int, refused: Int, elapsed: Duration) -> String {
        var text = "replay \(name): \(done)/\(total) records (\(Self.percent(done, of: total)) %), \(refused) refused"
        let (seconds, attoseconds) = elapsed.components
        let elapsedSeconds = Double(seconds) + Double(attoseconds) * 1e-18
        guard elapsedSeconds > 0, done > 0 else { return text }
        let rate = Double(done) / elapsedSeconds
        text += ", \(Int64(rate.rounded())) records/s"
        guard done < total else { return text }
        text += ", ETA " + Self.span(Int64((Double(total - done) / rate).rounded()))
        return text
    }

    /// One decimal, rounded half up, in integer arithmetic so no platform prints 58.29999.
    private static func percent(_ done: Int, of total: Int) -> String {
        guard total > 0 else { return "100.0" }
        let tenths = (Int64(done) * 2000 + Int64(total)) / (2 * Int64(total))
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func span(_ seconds: Int64) -> String {
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }
}
