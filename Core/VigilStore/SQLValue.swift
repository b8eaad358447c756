/// One SQLite value, mirroring SQLite's five storage classes exactly so that nothing is lost or coerced on the
/// way in or out (callers decide how to map their own types).
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}
