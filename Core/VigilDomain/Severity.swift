/// How bad a finding or an alarm is, ordered so the worst of several can be taken with `max`.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case info, warning, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
