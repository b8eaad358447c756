/// One step of the schema, identified by the `PRAGMA user_version` it leaves behind, so an existing file can be
/// brought forward by applying only the steps it has not seen yet.
public struct Migration: Sendable {
    /// Must be positive and strictly increasing across the list passed to ``Database/migrate(_:)``.
    public let version: Int
    /// Run with ``Database/execute(_:)``, so it may hold several statements.
    public let sql: String

    public init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}
