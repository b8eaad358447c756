import Foundation
import VigilDomain
import VigilMQTT
import VigilRecorder
import VigilStore

/// The recorder binary fed battery readings at QoS 1 as fast as one client publishes them, with
/// acknowledgements on (the readings name a collector), timed until its database holds them all.
/// The reference is a raw batched insert loop of the same payloads into the same kind of table.
enum RecorderBench {
    /// Battery readings (24 jars, about 2.3 KB of JSON) or, with `small`, pump readings (five
    /// values, about 300 bytes): the two ends of what a site sends.
    static func payloads(count: Int, assets: Int, small: Bool = false) throws -> [(topic: String, payload: [UInt8])] {
        var jars: [[String: Double]] = []
        for _ in 0..<(small ? 0 : 24) {
            jars.append(["voltage_v": 13.5, "temperature_c": 27.0, "resistance_mohm": 3.95])
        }
        let scalars =
            small
            ? ["temperature_c": 41.2, "vibration_mm_s": 2.1, "pressure_bar": 3.4, "rpm": 1480, "load_pct": 71.5]
            : ["string_voltage_v": 324.0, "string_current_a": 0.12, "ambient_temperature_c": 26.4]
        let site = try TopicLevel("bench")
        let collector = try TopicLevel("collector")
        let topics = Topics(site: site)
        return try (0..<count).map { index in
            let asset = try TopicLevel("str-\(index % assets)")
            let reading = Reading(
                site: site, asset: asset, kind: small ? .pump : .vrlaString, seq: UInt64(index / assets + 1),
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(index / assets) * 1000),
                source: "bench",
                values: .init(scalars: scalars, jars: jars),
                collector: collector)
            return (topics.telemetry(asset), reading.encodedJSON())
        }
    }

    /// Rows per second of a plain batched insert loop (1,000 a transaction), no MQTT, no decoding.
    static func rawInsertRate(_ payloads: [(topic: String, payload: [UInt8])], path: String) throws -> Double {
        let database = try Database(path: path)
        defer { database.close() }
        // The recorder's page cache, so the reference differs only in what the recorder adds.
        try database.execute("PRAGMA cache_size = -8192")
        try database.execute(
            """
            CREATE TABLE telemetry (asset TEXT NOT NULL, seq INTEGER NOT NULL, ts_ms INTEGER NOT NULL,
            kind TEXT NOT NULL, received_ms INTEGER NOT NULL, payload TEXT NOT NULL,
            PRIMARY KEY (asset, seq)) WITHOUT ROWID;
            CREATE INDEX telemetry_ts ON telemetry (ts_ms);
            """)
        let start = Date()
        var index = 0
        while index < payloads.count {
            let end = min(index + 1000, payloads.count)
            try database.transaction {
                let insert = try database.cached(
                    "INSERT OR IGNORE INTO telemetry (asset, seq, ts_ms, kind, received_ms, payload) VALUES (?, ?, ?, ?, ?, ?)"
                )
                for row in index..<end {
                    try insert.run(
                        .text(payloads[row].topic), .integer(Int64(row)), .integer(Int64(row)), .text("vrla_string"),
                        .integer(0), .text(String(decoding: payloads[row].payload, as: UTF8.self)))
                }
            }
            index = end
        }
        return Double(payloads.count) / Date().timeIntervalSince(start)
    }

    /// Readings per second through the recorder's decoding and store in process, timed as
    /// `sqlbench` times itself: opening and closing the database excluded.
    static func storeRate(_ payloads: [(topic: String, payload: [UInt8])], path: String) async throws -> Double {
        let messages = payloads.map { MQTTMessage(topic: $0.topic, payload: $0.payload) }
        let (stored, seconds) = try await RecorderProbe.store(
            messages, site: try TopicLevel("bench"), batch: 1000, path: path)
        guard stored == payloads.count else { throw CocoaError(.fileWriteUnknown) }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        return Double(stored) / seconds
    }

    /// Readings per second from the first publish until the recorder's database holds them all,
    /// and the recorder's CPU time per reading over the same span (the steadier figure: the
    /// publisher and the broker share the two cores).
    static func recorderRate(
        _ payloads: [(topic: String, payload: [UInt8])], binDirectory: String, work: String, name: String
    ) async throws -> (readingsPerSecond: Double, cpuPerReading: Double) {
        let (broker, brokerPort) = try floodBroker(work: work, name: "recorder-\(name)")
        defer { stop(broker) }
        try "site: bench\nrecorder: {}\n".write(toFile: "\(work)/recorder.yaml", atomically: true, encoding: .utf8)
        let recorder = try start(
            "\(binDirectory)/vigil-recorder", ["--config", "\(work)/recorder.yaml"], log: "\(work)/\(name).log",
            environment: ["VIGIL_BROKER_PORT": String(brokerPort), "VIGIL_STATE_DIR": "\(work)/\(name)"])
        defer { stop(recorder) }
        var configuration = MQTTConfiguration(clientID: "bench-publisher")
        configuration.port = brokerPort
        configuration.maxInflight = 1000
        let client = try MQTTClient(configuration: configuration)
        try await client.connect()
        try await Task.sleep(for: .seconds(Settle.seconds))
        let started = Date()
        let cpuBefore = cpuSeconds(recorder.processIdentifier)
        for (index, item) in payloads.enumerated() {
            try client.enqueue(MQTTMessage(topic: item.topic, payload: item.payload, qos: .atLeastOnce))
            if index % 1000 == 999 { try await Task.sleep(for: .microseconds(1)) }
        }
        let path = "\(work)/\(name)/history.db"
        while true {
            let database = try Database(path: path, readOnly: true)
            let stored = try database.query("SELECT count(*) FROM telemetry").first?.first
            database.close()
            if stored == .integer(Int64(payloads.count)) { break }
            if Date().timeIntervalSince(started) > 120 { throw CocoaError(.fileReadUnknown) }
            try await Task.sleep(for: .milliseconds(20))
        }
        let rate = Double(payloads.count) / Date().timeIntervalSince(started)
        let cpu = cpuSeconds(recorder.processIdentifier) - cpuBefore
        await client.disconnect()
        return (rate, cpu / Double(payloads.count))
    }

    /// A private broker that queues a whole flood for one slow subscriber, on a free port (and,
    /// with `socket`, on the Unix socket `socketPath(port)`), with its `$SYS` counters every second.
    static func floodBroker(work: String, name: String, socket: Bool = false) throws -> (Process, Int) {
        let port = freePort()
        try
            "listener \(port) 127.0.0.1\n\(socket ? "listener 0 \(socketPath(port))\n" : "")allow_anonymous true\npersistence false\nmax_queued_messages 1000000\nmax_inflight_messages 0\nsys_interval 1\nset_tcp_nodelay true\n\(getuid() == 0 ? "user root\n" : "")"
            .write(toFile: "\(work)/mosquitto-\(name).conf", atomically: true, encoding: .utf8)
        let broker = try start(
            "/usr/sbin/mosquitto", ["-c", "\(work)/mosquitto-\(name).conf"], log: "\(work)/broker-\(name).log")
        usleep(300_000)
        return (broker, port)
    }

    /// The flood broker's Unix socket: under /tmp, as a socket's path may hold only 107 bytes.
    static func socketPath(_ port: Int) -> String { "/tmp/vigil-bench-\(port).sock" }
}
