import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// The built collector polling pymodbus, end to end through a real broker.
@Suite(.broker, .serialized, .timeLimit(.minutes(2)))
struct CollectorModbusTests {
    static let maps: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/config/maps"
    }()

    let directory: String = {
        var template = Array("/tmp/vigil-modbus-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!)
    }()

    func collector(site: String, devices: [String]) throws -> Process {
        let config = """
            status_interval_s: 1
            collector:
              source: modbus
              maps_dir: \(Self.maps)
              devices:
            \(devices.map { "    - \($0)" }.joined(separator: "\n"))
            """
        try config.write(toFile: "\(directory)/collector.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        let binDirectory =
            ProcessInfo.processInfo.environment["VIGIL_BIN_DIR"]
            ?? URL(fileURLWithPath: Self.maps).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug").path
        process.executableURL = URL(fileURLWithPath: "\(binDirectory)/vigil-collector")
        process.arguments = ["--config", "\(directory)/collector.yaml"]
        process.environment = [
            "VIGIL_SITE": site, "VIGIL_BROKER_PORT": String(Broker.current!.port),
            "VIGIL_STATE_DIR": "\(directory)/state-\(site)",
        ]
        _ = FileManager.default.createFile(atPath: "\(directory)/collector.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: "\(directory)/collector.log")
        try process.run()
        return process
    }

    var log: String { (try? String(contentsOfFile: "\(directory)/collector.log", encoding: .utf8)) ?? "" }

    func watch(_ site: String) async throws -> (MQTTClient, StreamRecorder<MQTTMessage>) {
        var configuration = MQTTConfiguration(clientID: "modbus-watch-\(site)")
        configuration.port = Broker.current!.port
        let client = try MQTTClient(configuration: configuration)
        let messages = StreamRecorder(client.messages)
        try await client.connect()
        try await client.subscribe("vigil/\(site)/#")
        return (client, messages)
    }

    static func reading(_ message: MQTTMessage) -> Reading? {
        try? PayloadCodec.decode(Reading.self, from: message.payload)
    }
    static func device(_ message: MQTTMessage) -> DeviceStatus? {
        try? PayloadCodec.decode(DeviceStatus.self, from: message.payload)
    }

    func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @Test func decodesTheBatteryMapAndFollowsThePeerDownAndBack() async throws {
        let site = "modbus-tcp"
        let peer = try ModbusPeer.tcp(image: [1: BatteryImage.unit()])
        let (client, messages) = try await watch(site)
        defer { Task { await client.disconnect() } }
        let collector = try collector(
            site: site,
            devices: [
                "{name: bms-1, map: battery-monitor.yaml, asset: ups1-str01, kind: vrla_string, unit: 1, "
                    + "tcp: {host: 127.0.0.1, port: \(peer.port)}, interval_ms: 200, timeout_ms: 300, "
                    + "backoff_max_s: 1, unreachable_after: 2}"
            ])
        defer { stop(collector) }

        let telemetry = "vigil/\(site)/telemetry/ups1-str01"
        let first = await messages.first(within: .seconds(10)) { $0.topic == telemetry }
        let reading = try #require(first.flatMap(Self.reading), "no reading:\n\(log)")
        #expect(reading.quality == .good)
        #expect(reading.kind == .vrlaString)
        #expect(reading.source == "modbus-tcp://127.0.0.1:\(peer.port)/unit/1")
        #expect(reading.values.scalars["string_voltage_v"] == 324.6)
        #expect(reading.values.scalars["string_current_a"] == -0.15)
        #expect(reading.values.scalars["ambient_temperature_c"] == 26.4)
        #expect(reading.values.jars.count == 24)
        for jar in 1...24 {
            #expect(reading.values.jars[jar - 1]["voltage_v"] == BatteryImage.jarVoltage(jar))
            #expect(reading.values.jars[jar - 1]["temperature_c"] == BatteryImage.jarTemperature(jar))
            #expect(
                reading.values.jars[jar - 1]["resistance_mohm"]
                    == Double(BatteryImage.jarResistanceMicroohm(jar)) / 1000)
        }
        let ok = await messages.first(within: .seconds(5)) {
            $0.topic == "vigil/\(site)/device/bms-1" && Self.device($0)?.state == .ok
        }
        #expect(ok != nil)

        // The peer dies: the device turns unreachable and readings say comm_error, never values.
        peer.stop()
        let unreachable = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/device/bms-1" && Self.device($0)?.state == .unreachable
        }
        let status = try #require(unreachable.flatMap(Self.device), "never unreachable:\n\(log)")
        #expect(status.consecutiveFailures >= 2)
        #expect(status.lastError != nil)
        let dead = messages.all.last { $0.topic == telemetry }.flatMap(Self.reading)
        #expect(dead?.quality == .commError)
        #expect(dead?.values.scalars.isEmpty == true)

        // It comes back with new values: picked up again without a restart, and the values are right.
        try peer.updateImage([1: BatteryImage.unit(voltageOffset: 100)])
        try peer.restart()
        let back = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/device/bms-1" && Self.device($0)?.state == .ok
                && $0.payload != ok?.payload
        }
        #expect(back != nil, "never back:\n\(log)")
        let fresh = await messages.wait(for: .seconds(5)) {
            $0.contains { $0.topic == telemetry && Self.reading($0)?.values.scalars["string_voltage_v"] == 325.6 }
        }
        #expect(
            fresh.contains {
                $0.topic == telemetry && Self.reading($0)?.quality == .good
                    && Self.reading($0)?.values.scalars["string_voltage_v"] == 325.6
            })
        #expect(collector.isRunning)
    }

    @Test func aDeadUnitOnTheBusDoesNotStarveItsNeighbour() async throws {
        let site = "modbus-starve"
        // Unit 1 answers; unit 2 is not on the bus; unit 3 answers slowly.
        let peer = try ModbusPeer.tcp(image: [1: BatteryImage.unit(), 3: BatteryImage.unit()], delays: [3: 50])
        let (client, messages) = try await watch(site)
        defer { Task { await client.disconnect() } }
        func device(_ unit: Int, _ asset: String) -> String {
            "{name: bms-\(unit), map: battery-monitor.yaml, asset: \(asset), unit: \(unit), "
                + "tcp: {host: 127.0.0.1, port: \(peer.port)}, interval_ms: 200, timeout_ms: 300, backoff_max_s: 5}"
        }
        let collector = try collector(
            site: site, devices: [device(1, "healthy"), device(2, "dead"), device(3, "slow")])
        defer { stop(collector) }
        // Once the dead unit is known to be dead, it backs off: count over the next five seconds.
        let unreachable = await messages.first(within: .seconds(15)) {
            $0.topic == "vigil/\(site)/device/bms-2" && Self.device($0)?.state == .unreachable
        }
        let start = try #require(unreachable.flatMap(Self.device)?.ts, "bms-2 never unreachable:\n\(log)")
        try await Task.sleep(for: .seconds(6))
        func count(_ asset: String, _ quality: Reading.Quality) -> Int {
            messages.all.filter {
                guard $0.topic == "vigil/\(site)/telemetry/\(asset)", let reading = Self.reading($0) else {
                    return false
                }
                return reading.quality == quality && reading.ts > start
                    && reading.ts.millisecondsSinceEpoch <= start.millisecondsSinceEpoch + 5000
            }.count
        }
        // Five seconds at 200 ms is 25 polls each. Retried every interval, the dead unit would hold
        // the bus for 300 ms of every 200 ms and leave its neighbours a handful; backed off, it
        // costs a timeout or two.
        #expect(count("healthy", .good) >= 21, "\(log)")
        #expect(count("slow", .good) >= 20, "\(log)")
        #expect(count("dead", .commError) <= 3)
    }

    @Test func pollsOverRTUOnASerialLine() async throws {
        let site = "modbus-rtu"
        let line = try SerialPair()
        let peer = try ModbusPeer.rtu(device: line.deviceB, baud: 9600, image: [5: BatteryImage.unit()])
        defer { peer.stop() }
        let (client, messages) = try await watch(site)
        defer { Task { await client.disconnect() } }
        let collector = try collector(
            site: site,
            devices: [
                "{name: bms-5, map: battery-monitor.yaml, asset: ups2-str01, kind: vrla_string, unit: 5, "
                    + "rtu: {device: \(line.deviceA), baud: 9600, parity: N}, interval_ms: 300, timeout_ms: 1000}"
            ])
        defer { stop(collector) }
        let first = await messages.first(within: .seconds(10)) { $0.topic == "vigil/\(site)/telemetry/ups2-str01" }
        let reading = try #require(first.flatMap(Self.reading), "no reading:\n\(log)")
        #expect(reading.quality == .good)
        #expect(reading.source.hasPrefix("modbus-rtu://\(line.deviceA)?9600-8N1/unit/5"))
        #expect(reading.values.jars[23]["resistance_mohm"] == 70)
        #expect(reading.values.scalars["string_voltage_v"] == 324.6)
    }
}

extension CollectorModbusTests {
    @Test func aSerialPortThatDisappearsIsReopenedWhenItComesBack() async throws {
        let site = "modbus-unplug"
        let line = try SerialPair()
        let peer = try ModbusPeer.rtu(device: line.deviceB, baud: 9600, image: [2: BatteryImage.unit()])
        defer { peer.stop() }
        let (client, messages) = try await watch(site)
        defer { Task { await client.disconnect() } }
        let collector = try collector(
            site: site,
            devices: [
                "{name: bms-2, map: battery-monitor.yaml, asset: ups3-str01, unit: 2, "
                    + "rtu: {device: \(line.deviceA), baud: 9600}, interval_ms: 200, timeout_ms: 300, "
                    + "backoff_max_s: 1, unreachable_after: 2}"
            ])
        defer { stop(collector) }
        let telemetry = "vigil/\(site)/telemetry/ups3-str01"
        #expect(
            await messages.first(within: .seconds(10)) { $0.topic == telemetry && Self.reading($0)?.quality == .good }
                != nil)

        // The USB adapter is pulled: the port vanishes and the unit with it.
        line.stop()
        let gone = await messages.first(within: .seconds(10)) {
            $0.topic == "vigil/\(site)/device/bms-2" && Self.device($0)?.state == .unreachable
        }
        #expect(gone != nil, "never unreachable:\n\(log)")
        #expect(collector.isRunning)

        // Plugged in again under the same name: the collector reopens it without a restart.
        try line.restart()
        try peer.restart()
        let mark = messages.all.count
        let back = await messages.wait(for: .seconds(15)) {
            $0.dropFirst(mark).contains { $0.topic == telemetry && Self.reading($0)?.quality == .good }
        }
        #expect(back.dropFirst(mark).contains { $0.topic == telemetry && Self.reading($0)?.quality == .good }, "\(log)")
    }
}

extension CollectorModbusTests {
    @Test func anAPCUPSThatLacksSomeRegistersIsReadAndTheRefusalsReported() async throws {
        let site = "modbus-apc"
        // Status (bit 1 online), battery error (bit 2 needs replacement), runtime, charge, voltage,
        // temperature and load; no output current, voltage, frequency or input voltage.
        let ups = RegisterImage.Unit(holding: [
            0: 0, 1: 0b10, 22: 0b100, 128: 0, 129: 3600, 130: 51_200, 131: 880, 135: 3264, 136: 12_800,
        ])
        let peer = try ModbusPeer.tcp(image: [1: ups])
        let (client, messages) = try await watch(site)
        defer { Task { await client.disconnect() } }
        let collector = try collector(
            site: site,
            devices: [
                "{name: ups-1, map: apc-smartups-an176.yaml, asset: ups1, kind: ups, unit: 1, "
                    + "tcp: {host: 127.0.0.1, port: \(peer.port)}, interval_ms: 300}"
            ])
        defer { stop(collector) }
        let first = await messages.first(within: .seconds(10)) { $0.topic == "vigil/\(site)/telemetry/ups1" }
        let reading = try #require(first.flatMap(Self.reading), "no reading:\n\(log)")
        #expect(reading.quality == .good)
        let values = reading.values.scalars
        #expect(values["status_online"] == 1)
        #expect(values["status_on_battery"] == 0)
        #expect(values["battery_error_needs_replacement"] == 1)
        #expect(values["battery_error_disconnected"] == 0)
        #expect(values["runtime_remaining_s"] == 3600)
        #expect(values["state_of_charge_pct"] == 100)
        #expect(values["battery_voltage_v"] == 27.5)
        #expect(values["battery_temperature_c"] == 25.5)
        #expect(values["output_real_power_pct"] == 50)
        #expect(values["output_current_a"] == nil)
        #expect(values["input_voltage_v"] == nil)
        let status = await messages.first(within: .seconds(5)) {
            $0.topic == "vigil/\(site)/device/ups-1" && Self.device($0) != nil
        }
        let device = try #require(status.flatMap(Self.device))
        #expect(device.state == .degraded)
        #expect((device.counters["exceptions"] ?? 0) >= 4)
        #expect(device.lastError?.contains("Illegal data address") == true, "\(String(describing: device.lastError))")
    }
}
