internal import CSQLite

/// A failed SQLite call, kept as data (not just text) so callers can react to the cases that matter on an edge
/// box, full disk and lock contention, without parsing messages.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// Which wrapper step failed ("open", "prepare", "step", "bind", "exec", "migrate", "commit", ...), because
    /// SQLite's own message rarely says.
    public let operation: String
    /// Primary result code (`SQLITE_FULL`, `SQLITE_BUSY`, ...).
    public let code: Int32
    /// Extended result code, e.g. `SQLITE_CONSTRAINT_UNIQUE`; equals ``code`` when SQLite gave nothing finer.
    public let extendedCode: Int32
    /// `sqlite3_errmsg` at the time of failure, or our own text for errors SQLite never sees.
    public let message: String

    /// The recorder must stop accepting data (or prune) rather than retry when the disk is full.
    public var isDiskFull: Bool { code == SQLITE_FULL }

    /// Another connection holds the lock past the busy timeout; retrying later may succeed.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    public var description: String {
        "sqlite \(operation) failed (\(code) \(Self.name(ofPrimaryCode: code))): \(message)"
    }

    /// The single place where a C result code becomes a Swift error, so every error carries the same fields.
    ///
    /// SQLite's connection-level message is used only when the connection's last error is this one; otherwise it
    /// could describe an unrelated earlier failure. `message` overrides it for conditions we detect ourselves.
    init(_ resultCode: Int32, db: OpaquePointer?, operation: String, message: String? = nil) {
        let primary = resultCode & 0xFF
        var extended = resultCode
        var text = message
        if let db, sqlite3_errcode(db) & 0xFF == primary {
            if resultCode == primary { extended = sqlite3_extended_errcode(db) }
            if text == nil { text = String(cString: sqlite3_errmsg(db)) }
        }
        self.operation = operation
        self.code = primary
        self.extendedCode = extended
        self.message = text ?? String(cString: sqlite3_errstr(resultCode))
    }

    private static func name(ofPrimaryCode code: Int32) -> String {
        switch code {
        case SQLITE_OK: "SQLITE_OK"
        case SQLITE_ERROR: "SQLITE_ERROR"
        case SQLITE_INTERNAL: "SQLITE_INTERNAL"
        case SQLITE_PERM: "SQLITE_PERM"
        case SQLITE_ABORT: "SQLITE_ABORT"
        case SQLITE_BUSY: "SQLITE_BUSY"
        case SQLITE_LOCKED: "SQLITE_LOCKED"
        case SQLITE_NOMEM: "SQLITE_NOMEM"
        case SQLITE_READONLY: "SQLITE_READONLY"
        case SQLITE_INTERRUPT: "SQLITE_INTERRUPT"
        case SQLITE_IOERR: "SQLITE_IOERR"
        case SQLITE_CORRUPT: "SQLITE_CORRUPT"
        case SQLITE_NOTFOUND: "SQLITE_NOTFOUND"
        case SQLITE_FULL: "SQLITE_FULL"
        case SQLITE_CANTOPEN: "SQLITE_CANTOPEN"
        case SQLITE_PROTOCOL: "SQLITE_PROTOCOL"
        case SQLITE_EMPTY: "SQLITE_EMPTY"
        case SQLITE_SCHEMA: "SQLITE_SCHEMA"
        case SQLITE_TOOBIG: "SQLITE_TOOBIG"
        case SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT"
        case SQLITE_MISMATCH: "SQLITE_MISMATCH"
        case SQLITE_MISUSE: "SQLITE_MISUSE"
        case SQLITE_NOLFS: "SQLITE_NOLFS"
        case SQLITE_AUTH: "SQLITE_AUTH"
        case SQLITE_FORMAT: "SQLITE_FORMAT"
        case SQLITE_RANGE: "SQLITE_RANGE"
        case SQLITE_NOTADB: "SQLITE_NOTADB"
        case SQLITE_NOTICE: "SQLITE_NOTICE"
        case SQLITE_WARNING: "SQLITE_WARNING"
        case SQLITE_ROW: "SQLITE_ROW"
        case SQLITE_DONE: "SQLITE_DONE"
        default: "SQLITE_UNKNOWN"
        }
    }
}
