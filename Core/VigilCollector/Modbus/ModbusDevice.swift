public import VigilDomain
public import VigilModbus
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// One polled Modbus unit and the asset its registers describe.
public struct ModbusDevice: Sendable, Equatable {
    public var name: TopicLevel
    public var asset: TopicLevel
    public var kind: AssetKind
    public var unit: UInt8
    public var transport: ModbusTransport
    public var map: RegisterMap
    public var interval: Duration
    public var timeout: Duration
    public var retries: Int
    public var backoffMax: Duration
    public var unreachableAfter: Int

    /// `modbus-tcp://10.0.0.5:502/unit/1`: the `source` of its readings.
    public var source: String { "\(transport)/unit/\(unit)" }

    static let keys: Set<String> = [
        "name", "map", "asset", "kind", "unit", "tcp", "rtu", "interval_ms", "timeout_ms", "retries",
        "backoff_max_s", "unreachable_after",
    ]

    static func list(_ nodes: [ConfigNode], mapsDirectory: String) throws(ConfigError) -> [ModbusDevice] {
        var devices: [ModbusDevice] = []
        var maps: [String: RegisterMap] = [:]
        for node in nodes {
            let device = try ModbusDevice(node, mapsDirectory: mapsDirectory, cache: &maps)
            if let other = devices.first(where: { $0.name == device.name }) {
                throw ConfigError(key: node.key("name"), reason: "device \(other.name) is defined twice")
            }
            // Two devices feeding one asset would interleave two sequences of different readings.
            if let other = devices.first(where: { $0.asset == device.asset }) {
                throw ConfigError(
                    key: node.key("asset"), reason: "asset \(device.asset) is already read by \(other.name)")
            }
            // One line, one set of line settings: otherwise the second device could never be read.
            if let other = devices.first(where: { $0.transport.busKey == device.transport.busKey }),
                other.transport != device.transport
            {
                throw ConfigError(
                    key: node.key("rtu"), reason: "\(other.name) uses the same line with other settings")
            }
            devices.append(device)
        }
        return devices
    }

    /// The rates termios knows; libmodbus silently falls back to 9600 for anything else.
    static let standardBauds: Set<Int> = [
        300, 600, 1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200, 230_400, 460_800, 500_000, 576_000, 921_600,
        1_000_000, 1_152_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000, 4_000_000,
    ]

    init(_ node: ConfigNode, mapsDirectory: String, cache: inout [String: RegisterMap]) throws(ConfigError) {
        try node.requireOnly(Self.keys)
        name = try Self.level(node, "name")
        asset = try Self.level(node, "asset")
        let kindName = try node.string("kind", default: "generic")
        do {
            kind = try AssetKind(kindName)
        } catch {
            throw ConfigError(key: node.key("kind"), reason: error.reason)
        }
        unit = UInt8(try node.int("unit", default: 1, in: 0...247))
        interval = .milliseconds(try node.int("interval_ms", default: 1000, in: 1...86_400_000))
        timeout = .milliseconds(try node.int("timeout_ms", default: 500, in: 10...60_000))
        retries = try node.int("retries", default: 1, in: 0...10)
        backoffMax = .seconds(try node.int("backoff_max_s", default: 60, in: 1...86_400))
        unreachableAfter = try node.int("unreachable_after", default: 3, in: 1...1000)

        switch (node.contains("tcp"), node.contains("rtu")) {
        case (true, false):
            let tcp = try node.child("tcp")
            try tcp.requireOnly(["host", "port"])
            let host = try tcp.string("host", default: "")
            guard !host.isEmpty else { throw ConfigError(key: tcp.key("host"), reason: "is required") }
            transport = .tcp(host: host, port: try tcp.int("port", default: 502, in: 1...65535))
        case (false, true):
            let rtu = try node.child("rtu")
            try rtu.requireOnly(["device", "baud", "parity", "data_bits", "stop_bits"])
            let device = try rtu.string("device", default: "")
            guard device.hasPrefix("/") else {
                throw ConfigError(key: rtu.key("device"), reason: "expected a path like /dev/ttyUSB0")
            }
            let parity = try rtu.string("parity", default: "N")
            guard ["N", "E", "O"].contains(parity) else {
                throw ConfigError(key: rtu.key("parity"), reason: "expected N, E or O")
            }
            let baud = try rtu.int("baud", default: 9600, in: 300...4_000_000)
            guard Self.standardBauds.contains(baud) else {
                throw ConfigError(
                    key: rtu.key("baud"), reason: "\(baud) is not a standard rate (e.g. 9600, 19200, 115200)")
            }
            // Unit 0 is broadcast on a serial line: nothing ever answers it.
            guard unit != 0 else {
                throw ConfigError(key: node.key("unit"), reason: "0 is the broadcast address on RTU; use 1-247")
            }
            transport = .rtu(
                .init(
                    device: device, baud: baud, parity: Character(parity),
                    dataBits: try rtu.int("data_bits", default: 8, in: 5...8),
                    stopBits: try rtu.int("stop_bits", default: 1, in: 1...2)))
        default:
            throw ConfigError(key: node.path, reason: "give exactly one of tcp or rtu")
        }

        let file = try node.string("map", default: "")
        guard !file.isEmpty else { throw ConfigError(key: node.key("map"), reason: "is required") }
        let path = file.hasPrefix("/") ? file : "\(mapsDirectory)/\(file)"
        if let loaded = cache[path] {
            map = loaded
        } else {
            do {
                map = try RegisterMap.load(path: path)
            } catch {
                throw ConfigError(key: node.key("map"), reason: error.description)
            }
            cache[path] = map
        }
    }

    private static func level(_ node: ConfigNode, _ name: String) throws(ConfigError) -> TopicLevel {
        let text = try node.string(name, default: "")
        do {
            return try TopicLevel(text, field: name)
        } catch {
            throw ConfigError(key: node.key(name), reason: error.reason)
        }
    }
}

extension ModbusTransport {
    static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// Devices that share this are one bus: one owner, one request at a time.
    var busKey: String {
        switch self {
        case .tcp(let host, let port): "tcp:\(host):\(port)"
        case .rtu(let line):
            // /dev/serial/by-id/... and /dev/ttyUSB0 are one line: compare what they point to.
            "rtu:\(Self.resolved(line.device))"
        }
    }
}
