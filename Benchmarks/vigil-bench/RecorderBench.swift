import Foundation
import VigilDomain
import VigilMQTT
import VigilStore

/// The recorder binary fed battery readings at QoS 1 as fast as one client publishes them, with
/// acknowledgements on (the readings name a collector), timed until its database holds them all.
/// The reference is a raw batched insert loop of the same payloads into the same kind of table.
enum RecorderBench {
    static func payloads(count: Int, assets: Int) throws -> [(topic: String, payload: [UInt8])] {
        var jars: [[String: Double]] = []
        for _ in 0..<24 { jars.append(["voltage_v": 13.5, "temperature_c": 27.0, "resistance_mohm": 3.95]) }
        let site = try TopicLevel("bench")
        let collector = try TopicLevel("collector")
        let topics = Topics(site: site)
        return try (0..<count).map { index in
            let asset = try TopicLevel("str-\(index % assets)")
            let reading = Reading(
                site: site, asset: asset, kind: .vrlaString, seq: UInt64(index / assets + 1),
                ts: Timestamp(millisecondsSinceEpoch: 1_795_924_800_000 + Int64(index / assets) * 1000),
                source: "bench",
                values: .init(
                    scalars: ["string_voltage_v": 324.0, "string_current_a": 0.12, "ambient_temperature_c": 26.4],
                    jars: jars),
                collector: collector)
            return (topics.telemetry(asset), reading.encodedJSON())
        }
    }

    /// Rows per second of a plain batched insert loop (1,000 a transaction), no MQTT, no decoding.
    static func rawInsertRate(_ payloads: [(topic: String, payload: [UInt8])], path: String) throws -> Double {
        let database = try Database(path: path)
        defer { database.close() }
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

    /// Readings per second from the first publish until the recorder's database holds them all.
    static func recorderRate(
        _ payloads: [(topic: String, payload: [UInt8])], binDirectory: String, work: String
    ) async throws -> Double {
        let brokerPort = freePort()
        try
            "listener \(brokerPort) 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n\(getuid() == 0 ? "user root\n" : "")"
            .write(toFile: "\(work)/mosquitto-recorder.conf", atomically: true, encoding: .utf8)
        let broker = try start(
            "/usr/sbin/mosquitto", ["-c", "\(work)/mosquitto-recorder.conf"], log: "\(work)/broker2.log")
        defer { stop(broker) }
        usleep(300_000)
        try "site: bench\nrecorder: {}\n".write(toFile: "\(work)/recorder.yaml", atomically: true, encoding: .utf8)
        let recorder = try start(
            "\(binDirectory)/vigil-recorder", ["--config", "\(work)/recorder.yaml"], log: "\(work)/recorder.log",
            environment: ["VIGIL_BROKER_PORT": String(brokerPort), "VIGIL_STATE_DIR": "\(work)/recorder"])
        defer { stop(recorder) }
        var configuration = MQTTConfiguration(clientID: "bench-publisher")
        configuration.port = brokerPort
        configuration.maxInflight = 1000
        let client = try MQTTClient(configuration: configuration)
        try await client.connect()
        try await Task.sleep(for: .seconds(2))
        let started = Date()
        for (index, item) in payloads.enumerated() {
            try client.enqueue(MQTTMessage(topic: item.topic, payload: item.payload, qos: .atLeastOnce))
            if index % 1000 == 999 { try await Task.sleep(for: .microseconds(1)) }
        }
        let path = "\(work)/recorder/history.db"
        while true {
            let database = try Database(path: path, readOnly: true)
            let stored = try database.query("SELECT count(*) FROM telemetry").first?.first
            database.close()
            if stored == .integer(Int64(payloads.count)) { break }
            if Date().timeIntervalSince(started) > 120 { throw CocoaError(.fileReadUnknown) }
            try await Task.sleep(for: .milliseconds(20))
        }
        let rate = Double(payloads.count) / Date().timeIntervalSince(started)
        await client.disconnect()
        return rate
    }
}
