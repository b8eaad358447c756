internal import CSQLite

extension Database {
    /// The schema version recorded in the file (`PRAGMA user_version`); 0 for a new file.
    public var schemaVersion: Int {
        get throws(SQLiteError) {
            let statement = try cached("PRAGMA user_version")
            defer { statement.reset() }
            return try statement.step() ? Int(statement.int64(at: 0)) : 0
        }
    }

    /// Brings the file up to the newest schema this build knows, applying only the missing steps.
    ///
    /// Each step commits on its own together with its version number, so an interruption (power loss, full
    /// disk) leaves a consistent, resumable file. A file written by a newer build is refused rather than used:
    /// this build would misread its schema. The version is re-read under the write lock, so two processes
    /// migrating the same file at once cannot apply a step twice.
    ///
    /// - Returns: the schema version after migrating.
    @discardableResult
    public func migrate(_ migrations: [Migration]) throws(SQLiteError) -> Int {
        var previous = 0
        for migration in migrations {
            guard migration.version > previous else {
                throw SQLiteError(
                    SQLITE_MISUSE, db: nil, operation: "migrate",
                    message: "migration versions must be positive and strictly increasing (\(migration.version) "
                        + "after \(previous))")
            }
            previous = migration.version
        }
        let known = previous
        try refuseNewer(than: known, found: schemaVersion)
        for migration in migrations {
            try apply(migration, known: known)
        }
        return try schemaVersion
    }

    private func apply(_ migration: Migration, known: Int) throws(SQLiteError) {
        do {
            try begin()
            let current = try schemaVersion
            try refuseNewer(than: known, found: current)
            if current < migration.version {
                try execute(migration.sql)
                try execute("PRAGMA user_version = \(migration.version)")
            }
            try commit()
        } catch {
            rollbackIfActive()
            guard error.operation != "migrate" else { throw error }
            throw SQLiteError(
                error.extendedCode, db: nil, operation: "migrate",
                message: "migration to version \(migration.version) failed: \(error.message)")
        }
    }

    private func refuseNewer(than known: Int, found: Int) throws(SQLiteError) {
        guard found <= known else {
            throw SQLiteError(
                SQLITE_ERROR, db: nil, operation: "migrate",
                message: "database schema version \(found) is newer than this build knows (\(known))")
        }
    }
}
