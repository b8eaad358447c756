#if canImport(Glibc)
    import Glibc
#endif

/// Plain lines on stderr with `<N>` syslog priority prefixes, which journald turns into
/// real priorities (`journalctl -p warning` works) without linking libsystemd.
///
/// Written with one `write(2)` per line so concurrent tasks never interleave halves of lines and
/// nothing sits in a stdio buffer when the process is killed.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case error = 3
        case warning = 4
        case notice = 5
        case info = 6
        case debug = 7

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public init?(name: String) {
            switch name.lowercased() {
            case "error": self = .error
            case "warning", "warn": self = .warning
            case "notice": self = .notice
            case "info": self = .info
            case "debug": self = .debug
            default: return nil
            }
        }
    }

    public let label: String
    public let level: Level

    public init(label: String, level: Level = .info) {
        self.label = label
        self.level = level
    }

    public func error(_ message: @autoclosure () -> String) { log(.error, message) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message) }
    public func notice(_ message: @autoclosure () -> String) { log(.notice, message) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message) }
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message) }

    private func log(_ messageLevel: Level, _ message: () -> String) {
        guard messageLevel <= level else { return }
        // journald would split a multi-line message into several entries with no prefix.
        let text = message().split(whereSeparator: \.isNewline).joined(separator: " ")
        var line = Array("<\(messageLevel.rawValue)>\(label): \(text)\n".utf8)
        line.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
