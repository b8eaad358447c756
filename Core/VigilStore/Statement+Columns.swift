internal import CSQLite

// Column accessors read the current row; indexes are 0-based, as in SQLite's C API.
extension Statement {
    public var columnCount: Int {
        Int(sqlite3_column_count(handle))
    }

    /// The value in its stored type, so nothing is converted behind the caller's back.
    public func value(at index: Int) -> SQLValue {
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT: return .text(text(at: index) ?? "")
        case SQLITE_BLOB: return .blob(blob(at: index))
        default: return .null
        }
    }

    /// Fast path for known-integer columns; SQLite converts other types and yields 0 for NULL.
    public func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    /// Fast path for known-real columns; SQLite converts other types and yields 0.0 for NULL.
    public func double(at index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    /// `nil` only for SQL NULL. Reads by byte count, so embedded NUL characters survive.
    public func text(at index: Int) -> String? {
        let column = Int32(index)
        if sqlite3_column_type(handle, column) == SQLITE_NULL { return nil }
        // Fetch the pointer before the length: sqlite3_column_text may convert the value and change its size.
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func blob(at index: Int) -> [UInt8] {
        let column = Int32(index)
        guard let bytes = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
