import VigilStore

/// The history database's schema, versioned with `PRAGMA user_version`; add migrations, never
/// edit a released one.
enum RecorderSchema {
    static let migrations = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE telemetry (
                    asset TEXT NOT NULL, seq INTEGER NOT NULL, ts_ms INTEGER NOT NULL, kind TEXT NOT NULL,
                    received_ms INTEGER NOT NULL, payload TEXT NOT NULL,
                    PRIMARY KEY (asset, seq)) WITHOUT ROWID;
                CREATE INDEX telemetry_ts ON telemetry (ts_ms);
                CREATE TABLE evaluations (
                    asset TEXT NOT NULL, seq INTEGER NOT NULL, ts_ms INTEGER NOT NULL, score REAL NOT NULL,
                    findings INTEGER NOT NULL, received_ms INTEGER NOT NULL, payload TEXT NOT NULL,
                    PRIMARY KEY (asset, seq)) WITHOUT ROWID;
                CREATE TABLE alert_events (
                    event_id TEXT PRIMARY KEY, ts_ms INTEGER NOT NULL, asset TEXT NOT NULL, code TEXT NOT NULL,
                    transition TEXT NOT NULL, tier TEXT NOT NULL, received_ms INTEGER NOT NULL,
                    payload TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX alert_events_asset ON alert_events (asset, ts_ms);
                CREATE TABLE rejected (
                    id INTEGER PRIMARY KEY, asset TEXT NOT NULL, seq INTEGER NOT NULL, reason TEXT NOT NULL,
                    received_ms INTEGER NOT NULL, payload TEXT NOT NULL, UNIQUE (asset, seq));
                CREATE TABLE invalid_messages (
                    id INTEGER PRIMARY KEY, topic TEXT NOT NULL, reason TEXT NOT NULL,
                    received_ms INTEGER NOT NULL, payload BLOB NOT NULL);
                """),
        // What each collector's readings have reached, committed with the rows themselves so the
        // acknowledgements after a restart say exactly what is stored.
        Migration(
            version: 2,
            sql: """
                CREATE TABLE ledger (
                    collector TEXT NOT NULL, asset TEXT NOT NULL, committed INTEGER NOT NULL, above TEXT NOT NULL,
                    PRIMARY KEY (collector, asset)) WITHOUT ROWID;
                CREATE TABLE device_status (
                    device TEXT NOT NULL, ts_ms INTEGER NOT NULL, state TEXT NOT NULL, received_ms INTEGER NOT NULL,
                    payload TEXT NOT NULL, PRIMARY KEY (device, ts_ms)) WITHOUT ROWID;
                CREATE TABLE rollups (
                    period TEXT NOT NULL, asset TEXT NOT NULL, metric TEXT NOT NULL, start_ms INTEGER NOT NULL,
                    count INTEGER NOT NULL, mean REAL NOT NULL, m2 REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
                    PRIMARY KEY (period, asset, metric, start_ms)) WITHOUT ROWID;
                CREATE INDEX rollups_start ON rollups (start_ms);
                CREATE INDEX evaluations_ts ON evaluations (ts_ms);
                CREATE INDEX device_status_ts ON device_status (ts_ms);
                """),
        // Readings whose rollups are still only in the recorder's memory, as ranges of each
        // asset's sequence numbers ("1-60,62-80"): the rollups are written once a minute, and
        // after a crash these readings are rolled up again from their stored payloads.
        Migration(
            version: 3,
            sql: """
                CREATE TABLE rollup_pending (asset TEXT PRIMARY KEY, seqs TEXT NOT NULL) WITHOUT ROWID;
                """),
        // One row rewritten by each sync (`RecorderStore.makeDurable`): the small commit whose
        // fsync carries every commit before it to the disk, and when that last happened.
        Migration(
            version: 4,
            sql: """
                CREATE TABLE durability (id INTEGER PRIMARY KEY CHECK (id = 1), synced_ms INTEGER NOT NULL);
                """),
    ]
}
