import Testing
import VigilDomain
import VigilModbus
import VigilRuntime
import VigilYAML

@testable import VigilCollector

/// The shipped maps live in config/maps; tests read the same files an installation does.
let mapsDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/config/maps"
}()

func map(_ yaml: String) throws(RegisterMapError) -> RegisterMap {
    do {
        return try RegisterMap(try YAML.parse(yaml), file: "test.yaml")
    } catch let error as RegisterMapError {
        throw error
    } catch {
        throw RegisterMapError(file: "test.yaml", entry: "", reason: "\(error)")
    }
}

@Suite struct RegisterMapTests {
    @Test func theBatteryMonitorMapReadsInOneRequest() throws {
        let battery = try RegisterMap.load(path: "\(mapsDirectory)/battery-monitor.yaml")
        #expect(battery.entries.count == 3 + 24 * 3)
        #expect(battery.entries.filter { $0.jar == 24 }.count == 3)
        let plan = ReadPlan(battery)
        #expect(plan.ranges.count == 1)
        #expect(plan.ranges.first?.address == 0)
        #expect(plan.ranges.first?.count == 118)
        #expect(plan.ranges.first?.table == .input)
    }

    @Test func theAPCMapFollowsAN176() throws {
        let apc = try RegisterMap.load(path: "\(mapsDirectory)/apc-smartups-an176.yaml")
        func entry(_ metric: String) -> RegisterMap.Entry? { apc.entries.first { $0.metric == metric } }
        #expect(entry("runtime_remaining_s")?.address == 128)
        #expect(entry("runtime_remaining_s")?.type == .u32)
        #expect(entry("state_of_charge_pct")?.scaling == .binaryPoint(bpi: 9, offset: 0))
        #expect(entry("battery_voltage_v")?.scaling == .binaryPoint(bpi: 5, offset: 0))
        #expect(entry("battery_temperature_c")?.scaling == .binaryPoint(bpi: 7, offset: 0))
        #expect(entry("output_current_a")?.address == 140)
        #expect(entry("status_on_battery")?.type == .bit32(2))
        #expect(entry("battery_error_needs_replacement")?.type == .bit(2))
        // max_gap 0: only registers the UPS defines are read.
        let plan = ReadPlan(apc)
        #expect(plan.ranges.map(\.address) == [0, 22, 128, 135, 140, 142, 144, 151])
        #expect(plan.ranges.map(\.count) == [2, 1, 4, 2, 1, 1, 1, 1])
    }

    @Test func rangesNeverExceed125Registers() throws {
        let wide = try map(
            "model: wide\nmax_gap: 10\nregisters:\n  - {metric: v, address: 0, jars: {count: 300, stride: 1}}\n")
        let plan = ReadPlan(wide)
        #expect(plan.ranges.map(\.count) == [125, 125, 50])
        #expect(plan.ranges.map(\.address) == [0, 125, 250])
    }

    @Test func impossibleMapsAreRefusedNamingTheEntry() {
        let cases: [(String, String, String)] = [
            ("registers:\n  - {metric: a, address: 0}\n", "model", "is required"),
            ("model: m\nregisters: []\n", "registers", "must list at least one register"),
            ("model: m\nregisters:\n  - {metric: a, address: 65535, type: u32}\n", "registers[0].address", "runs past"),
            (
                "model: m\nregisters:\n  - {metric: a, address: 0, type: u64}\n", "registers[0].type",
                "unknown type \"u64\""
            ),
            ("model: m\nregisters:\n  - {metric: a, address: 0, type: bit}\n", "registers[0].bit", "is required"),
            (
                "model: m\nregisters:\n  - {metric: a, address: 0, type: bit, bit: 16}\n", "registers[0].bit",
                "must be between"
            ),
            (
                "model: m\nregisters:\n  - {metric: a, address: 0, scale: 2, bpi: 3}\n", "registers[0].bpi",
                "either scale or bpi"
            ),
            (
                "model: m\nregisters:\n  - {metric: a, address: 0, function: 1}\n", "registers[0].function",
                "must be between 3 and 4"
            ),
            ("model: m\nregisters:\n  - {metric: a}\n", "registers[0].address", "is required"),
            ("model: m\nregisters:\n  - {metric: a/b, address: 0}\n", "registers[0].metric", "contains '/'"),
            ("model: m\nregisters:\n  - {metric: a, address: 0, colour: red}\n", "registers[0].colour", "unknown key"),
            (
                "model: m\nregisters:\n  - {metric: a, address: 0, type: u32}\n  - {metric: b, address: 1}\n",
                "registers[1]", "register 1 overlaps registers[0] (a)"
            ),
            (
                "model: m\nregisters:\n  - {metric: a, address: 0}\n  - {metric: a, address: 5}\n",
                "registers[1]", "a is already defined by registers[0]"
            ),
            (
                "model: m\nregisters:\n  - {metric: v, address: 0, jars: {count: 4, stride: 1}}\n  - {metric: w, address: 3}\n",
                "registers[1]", "register 3 overlaps registers[0] jar 4 (v)"
            ),
            (
                "model: m\nregisters:\n  - {metric: v, address: 0, type: u32, jars: {count: 2, stride: 1}}\n",
                "registers[0].jars.stride", "must be at least 2"
            ),
        ]
        for (yaml, entry, reason) in cases {
            do {
                _ = try map(yaml)
                Issue.record("accepted:\n\(yaml)")
            } catch {
                #expect(error.file == "test.yaml")
                #expect(error.entry == entry, "\(error)")
                #expect(error.reason.contains(reason), "\(error)")
            }
        }
    }

    @Test func aScalarMayNotBeCalledJars() {
        #expect(throws: RegisterMapError.self) {
            try map(
                "model: m\nregisters:\n  - {metric: jars, address: 0}\n  - {metric: v, address: 1, jars: {count: 2}}\n")
        }
    }

    @Test func bitsMayShareARegister() throws {
        let bits = try map(
            "model: m\nregisters:\n  - {metric: a, address: 4, type: bit, bit: 0}\n  - {metric: b, address: 4, type: bit, bit: 3}\n"
        )
        #expect(ReadPlan(bits).ranges.count == 1)
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: RegisterMapError.self) { try RegisterMap.load(path: "/nonexistent/map.yaml") }
    }
}

@Suite struct RegisterDecoderTests {
    @Test func decodesEveryTypeWordOrderAndScaling() throws {
        let decoder = RegisterDecoder(
            map: try map(
                """
                model: m
                max_gap: 20
                registers:
                  - {metric: u, address: 0, type: u16, scale: 0.01}
                  - {metric: s, address: 1, type: i16, scale: 0.1}
                  - {metric: big, address: 2, type: u32}
                  - {metric: little, address: 4, type: u32, word_order: little}
                  - {metric: negative, address: 6, type: i32}
                  - {metric: float, address: 8, type: f32}
                  - {metric: apc, address: 10, type: u16, bpi: 9}
                  - {metric: offset, address: 11, type: i16, scale: 0.5, offset: -40}
                  - {metric: flag, address: 12, type: bit, bit: 3}
                  - {metric: status, address: 13, type: bit32, bit: 17}
                  - {metric: voltage_v, address: 15, type: u16, scale: 0.001, jars: {count: 2, stride: 1}}
                """))
        let floatBits = Float(13.25).bitPattern
        let registers: [UInt16] = [
            32460, UInt16(bitPattern: -125), 0x0001, 0x0002, 0x0002, 0x0001, 0xFFFF, 0xFFFE,
            UInt16(floatBits >> 16), UInt16(floatBits & 0xFFFF), 25600, 100, 0b1000, 0x0002, 0x0000, 13512, 13498,
        ]
        #expect(decoder.plan.ranges.count == 1)
        let result = decoder.decode([registers])
        let scalars = result.values.scalars
        #expect(abs(scalars["u"]! - 324.60) < 1e-9)
        #expect(abs(scalars["s"]! - -12.5) < 1e-9)
        #expect(scalars["big"] == 65538)
        #expect(scalars["little"] == 65538)
        #expect(scalars["negative"] == -2)
        #expect(scalars["float"] == 13.25)
        #expect(scalars["apc"] == 50)
        #expect(scalars["offset"] == 10)
        #expect(scalars["flag"] == 1)
        #expect(scalars["status"] == 1)
        #expect(result.values.jars.map { $0["voltage_v"]! } == [13.512, 13.498])
        #expect(result.invalid.isEmpty)
    }

    @Test func aFailedRangeLeavesItsValuesOutAndNaNIsNeverAValue() throws {
        let decoder = RegisterDecoder(
            map: try map(
                "model: m\nregisters:\n  - {metric: a, address: 0, type: f32}\n  - {metric: b, function: 4, address: 0}\n"
            ))
        #expect(decoder.plan.ranges.count == 2)
        let nan = Float.nan.bitPattern
        let result = decoder.decode([[UInt16(nan >> 16), UInt16(nan & 0xFFFF)], nil])
        #expect(result.values.scalars.isEmpty)
        #expect(result.invalid == ["registers[0]"])
    }
}

@Suite struct DeviceHealthTests {
    let now = Timestamp(millisecondsSinceEpoch: 0)
    let timeout = ModbusError(operation: "read", kind: .timeout, code: 110, message: "Connection timed out")
    let exception = ModbusError(operation: "read", kind: .exception(2), code: 0, message: "Illegal data address")

    @Test func becomesUnreachableAfterConsecutiveFailuresAndRecovers() {
        var health = DeviceHealth(unreachableAfter: 3)
        let failed = PollOutcome(registers: [nil], errors: [timeout, timeout], requests: 2)
        var changed = health.record(failed, at: now)
        #expect(changed)
        #expect(health.state == .degraded)
        changed = health.record(failed, at: now)
        #expect(!changed)
        changed = health.record(failed, at: now)
        #expect(changed)
        #expect(health.state == .unreachable)
        #expect(health.consecutiveFailures == 3)
        #expect(health.lastError?.contains("timed out") == true)
        #expect(health.counters["timeouts"] == 6)
        changed = health.record(PollOutcome(registers: [[1]], errors: [], requests: 1), at: now)
        #expect(changed)
        #expect(health.state == .ok)
        #expect(health.consecutiveFailures == 0)
        #expect(health.lastError == nil)
    }

    @Test func aUnitAnsweringWithExceptionsIsDegradedNotUnreachable() {
        var health = DeviceHealth(unreachableAfter: 1)
        health.record(PollOutcome(registers: [nil], errors: [exception], requests: 1), at: now)
        #expect(health.state == .degraded)
        #expect(health.counters["exceptions"] == 1)
        health.record(PollOutcome(registers: [[1], nil], errors: [timeout], requests: 2), at: now)
        #expect(health.state == .degraded)
    }
}

@Suite struct PollScheduleTests {
    let start = ContinuousClock.now

    @Test func aDeadUnitBacksOffAndLeavesTheBusToTheOthers() {
        var schedule = PollSchedule(
            intervals: [(.seconds(1), .seconds(30)), (.seconds(1), .seconds(30))], start: start)
        // Unit 0 keeps timing out; unit 1 answers.
        var polls = [0, 0]
        var now = start
        while now < start + .seconds(60) {
            guard let (device, due) = schedule.next() else { break }
            now = max(now, due)
            polls[device] += 1
            #expect(schedule.shouldRetry(device) == (schedule.failures(device) == 0))
            schedule.record(device, answered: device == 1, now: now)
        }
        #expect(polls[1] >= 59)
        // 1, 2, 4, 8, 16, then every 30 s: a handful of attempts in a minute, not sixty.
        #expect(polls[0] <= 7)
    }

    @Test func aRecoveredUnitReturnsToItsInterval() {
        var schedule = PollSchedule(intervals: [(.seconds(1), .seconds(30))], start: start)
        for attempt in 1...5 { schedule.record(0, answered: false, now: start + .seconds(attempt)) }
        #expect(schedule.failures(0) == 5)
        schedule.record(0, answered: true, now: start + .seconds(40))
        #expect(schedule.failures(0) == 0)
        #expect(schedule.next()?.due == start + .seconds(41))
    }
}

@Suite struct RegisterDecoderJSONTests {
    @Test func theDirectJSONSaysWhatTheDecoderSays() throws {
        for file in ["battery-monitor.yaml", "apc-smartups-an176.yaml"] {
            let decoder = RegisterDecoder(map: try RegisterMap.load(path: "\(mapsDirectory)/\(file)"))
            var generator = SystemRandomNumberGenerator()
            let registers = decoder.plan.ranges.map { range in
                (0..<range.count).map { _ in UInt16.random(in: 0...40_000, using: &generator) }
            }
            let site = try TopicLevel("demo")
            let asset = try TopicLevel("a-1")
            let envelope = Reading.Envelope(
                site: site, asset: asset, kind: .vrlaString, source: "modbus-tcp://h:502/unit/1")
            let bytes = try #require(
                decoder.encodedReading(
                    envelope: envelope, seq: 9, ts: Timestamp(millisecondsSinceEpoch: 5), registers: registers))
            let reading = try PayloadCodec.decode(Reading.self, from: bytes)
            #expect(reading.values == decoder.decode(registers).values, "\(file)")
            #expect(reading.seq == 9)
            #expect(reading.quality == .good)
            #expect(reading.source == "modbus-tcp://h:502/unit/1")
        }
    }

    @Test func aNonFiniteValueFallsBackToTheCountingPath() throws {
        let decoder = RegisterDecoder(
            map: try map("model: m\nregisters:\n  - {metric: a, address: 0, type: f32}\n"))
        let nan = Float.nan.bitPattern
        #expect(
            decoder.encodedReading(
                envelope: Reading.Envelope(
                    site: try TopicLevel("s"), asset: try TopicLevel("a"), kind: .generic, source: "x"),
                seq: 1, ts: Timestamp(millisecondsSinceEpoch: 0),
                registers: [[UInt16(nan >> 16), UInt16(nan & 0xFFFF)]]) == nil)
    }
}

@Suite struct ModbusDeviceSettingsTests {
    func settings(_ devices: String) throws -> CollectorAgent.Settings {
        try CollectorAgent.settings(
            from: ConfigNode(
                try YAML.parse("source: modbus\nmaps_dir: \(mapsDirectory)\ndevices:\n\(devices)"), path: "collector"))
    }

    @Test func refusesWhatCouldNeverBeRead() {
        let cases: [(String, String, String)] = [
            (
                "  - {name: a, map: battery-monitor.yaml, asset: a, rtu: {device: /dev/ttyS0, baud: 12345}}\n",
                "collector.devices[0].rtu.baud", "not a standard rate"
            ),
            (
                "  - {name: a, map: battery-monitor.yaml, asset: a, unit: 0, rtu: {device: /dev/ttyS0}}\n",
                "collector.devices[0].unit", "broadcast"
            ),
            (
                "  - {name: a, map: battery-monitor.yaml, asset: a, rtu: {device: /dev/ttyS0, baud: 9600}}\n"
                    + "  - {name: b, map: battery-monitor.yaml, asset: b, rtu: {device: /dev/ttyS0, baud: 19200}}\n",
                "collector.devices[1].rtu", "same line with other settings"
            ),
            (
                "  - {name: a, map: battery-monitor.yaml, asset: a, tcp: {host: h}, rtu: {device: /dev/ttyS0}}\n",
                "collector.devices[0]", "exactly one of tcp or rtu"
            ),
            ("  - {name: a, map: nope.yaml, asset: a, tcp: {host: h}}\n", "collector.devices[0].map", "cannot be read"),
            (
                "  - {name: a, map: battery-monitor.yaml, asset: a, tcp: {host: h}}\n"
                    + "  - {name: b, map: battery-monitor.yaml, asset: a, tcp: {host: h}}\n",
                "collector.devices[1].asset", "already read by a"
            ),
        ]
        for (devices, key, reason) in cases {
            do {
                _ = try settings(devices)
                Issue.record("accepted \(devices)")
            } catch let error as ConfigError {
                #expect(error.key == key, "\(error)")
                #expect(error.reason.contains(reason), "\(error)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func aFloatRegisterReadsAsTheFloatItIs() throws {
        let decoder = RegisterDecoder(map: try map("model: m\nregisters:\n  - {metric: f, address: 0, type: f32}\n"))
        let bits = Float(13.1).bitPattern
        #expect(decoder.decode([[UInt16(bits >> 16), UInt16(bits & 0xFFFF)]]).values.scalars["f"] == 13.1)
    }
}
