import Foundation
import Glibc
import Synchronization

/// The registers a `ModbusPeer` serves, per unit id. Addresses are 0-based protocol addresses.
///
/// Write it as a dictionary literal: `[1: .init(input: [0: 32_460, 1: 12], holding: [0: 5]), 2: .init()]`.
public struct RegisterImage: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// The registers of one unit. Reading an address that is not listed answers exception 2.
    public struct Unit: Sendable, Equatable {
        public var input: [UInt16: UInt16]
        public var holding: [UInt16: UInt16]

        public init(input: [UInt16: UInt16] = [:], holding: [UInt16: UInt16] = [:]) {
            self.input = input
            self.holding = holding
        }
    }

    /// Units 1...247. Units not listed do not answer at all.
    public var units: [UInt8: Unit]

    public init(units: [UInt8: Unit] = [:]) {
        self.units = units
    }

    public init(dictionaryLiteral elements: (UInt8, Unit)...) {
        self.units = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// The JSON `modbus_peer.py` reads: `{"units": {"1": {"input": {"0": 32460}, "holding": {}}}}`.
    var json: String {
        func registers(_ map: [UInt16: UInt16]) -> String {
            "{" + map.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        }
        let entries = units.sorted { $0.key < $1.key }.map { unit, registersOfUnit in
            "\"\(unit)\": {\"input\": \(registers(registersOfUnit.input)), "
                + "\"holding\": \(registers(registersOfUnit.holding))}"
        }
        return "{\"units\": {" + entries.joined(separator: ", ") + "}}\n"
    }
}

/// A real Modbus slave for tests, served by pymodbus 3.0 (`modbus_peer.py` next to this file), over Modbus TCP
/// on a free loopback port or over Modbus RTU on a serial device such as one end of a `SerialPair`.
///
/// Only the units of the image answer; requests to any other unit id get no reply at all. `delays` (unit →
/// milliseconds) delays every reply of a unit, as a slow device on the bus would. The script runs under
/// `/usr/bin/python3`, the only interpreter that imports Debian's `python3-pymodbus`; it is spawned like
/// `Broker` (posix_spawn, empty signal mask) and every wait is bounded.
public final class ModbusPeer: Sendable {
    /// How the peer is reached.
    public enum Transport: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case rtu(device: String, baud: Int, parity: Character, stopBits: Int)
    }

    public let transport: Transport
    /// Reply delays in milliseconds per unit, fixed for the life of the peer.
    public let delays: [UInt8: Int]
    /// The temp folder holding `image.json` and `peer.log`.
    public let directory: String
    private let state: Mutex<State>

    private struct State {
        var pid: pid_t?
        var image: RegisterImage
    }

    /// The loopback address of a TCP peer; empty for RTU.
    public var host: String {
        if case .tcp(let host, _) = transport { return host }
        return ""
    }

    /// The TCP port of a TCP peer; 0 for RTU.
    public var port: Int {
        if case .tcp(_, let port) = transport { return port }
        return 0
    }

    /// The serial device of an RTU peer; nil for TCP.
    public var device: String? {
        if case .rtu(let device, _, _, _) = transport { return device }
        return nil
    }

    public var imageFile: String { directory + "/image.json" }
    public var logFile: String { directory + "/peer.log" }

    /// The peer's stdout and stderr so far (`READY`, `RELOADED` and its log); attach it to a failing expectation.
    public var logText: String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    /// The image the peer serves (the last one given to `updateImage`).
    public var image: RegisterImage {
        state.withLock { $0.image }
    }

    /// True while the peer process runs.
    public var isRunning: Bool {
        state.withLock { state in
            guard let child = state.pid else { return false }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                state.pid = nil
                return false
            }
            return true
        }
    }

    /// Starts a Modbus TCP peer on a free loopback port.
    public static func tcp(image: RegisterImage, delays: [UInt8: Int] = [:]) throws -> ModbusPeer {
        let peer = try ModbusPeer(
            transport: .tcp(host: "127.0.0.1", port: Broker.freePort()), image: image, delays: delays)
        try peer.launch()
        return peer
    }

    /// Starts a Modbus RTU peer on `device` (8 data bits). On a pty the line settings do not matter.
    public static func rtu(
        device: String, baud: Int = 19_200, parity: Character = "N", stopBits: Int = 1, image: RegisterImage,
        delays: [UInt8: Int] = [:]
    ) throws -> ModbusPeer {
        guard ["N", "E", "O"].contains(parity) else { throw ModbusPeerError.setup("parity must be N, E or O") }
        guard stopBits == 1 || stopBits == 2 else { throw ModbusPeerError.setup("stop bits must be 1 or 2") }
        let transport = Transport.rtu(device: device, baud: baud, parity: parity, stopBits: stopBits)
        let peer = try ModbusPeer(transport: transport, image: image, delays: delays)
        try peer.launch()
        return peer
    }

    private init(transport: Transport, image: RegisterImage, delays: [UInt8: Int]) throws {
        for unit in image.units.keys where !(1...247).contains(unit) {
            throw ModbusPeerError.setup("unit \(unit) is outside 1...247")
        }
        self.transport = transport
        self.delays = delays
        state = Mutex(State(pid: nil, image: image))
        var template = Array("/tmp/vigil-modbus-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw ModbusPeerError.setup("mkdtemp failed: errno \(errno)") }
        directory = String(cString: created)
        try image.json.write(toFile: imageFile, atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the peer: SIGTERM, a short grace period, then SIGKILL. Does nothing if it is not running.
    public func stop() {
        guard let child = state.withLock({ $0.pid.take() }) else { return }
        Broker.terminate(child)
    }

    /// Starts the peer again on the same port or device with the current image, as a power-cycled device.
    public func restart() throws {
        stop()
        try launch()
    }

    /// Serves `image` from now on: writes the image file and sends SIGHUP, then waits (≤ 5 s) until the peer
    /// confirms the reload. A stopped peer just keeps the image for its next start.
    public func updateImage(_ image: RegisterImage) throws {
        for unit in image.units.keys where !(1...247).contains(unit) {
            throw ModbusPeerError.setup("unit \(unit) is outside 1...247")
        }
        try image.json.write(toFile: imageFile, atomically: true, encoding: .utf8)
        let child = state.withLock { state in
            state.image = image
            return state.pid
        }
        guard let child else { return }
        let before = lines("RELOADED")
        kill(child, SIGHUP)
        try waitFor(line: "RELOADED", after: before, child: child, within: .seconds(5), what: "reload the image")
    }

    private func launch() throws {
        var arguments = [Self.scriptPath]
        switch transport {
        case .tcp(let host, let port):
            arguments += ["--tcp", "\(host):\(port)"]
        case .rtu(let device, let baud, let parity, let stopBits):
            arguments += [
                "--rtu", device, "--baud", "\(baud)", "--parity", String(parity), "--stopbits", "\(stopBits)",
                "--bytesize", "8",
            ]
        }
        arguments += ["--image", imageFile]
        for (unit, milliseconds) in delays.sorted(by: { $0.key < $1.key }) {
            arguments += ["--delay-unit", "\(unit):\(milliseconds)"]
        }
        let before = lines("READY")
        let child = try Broker.spawn("/usr/bin/python3", ["-u", "-B"] + arguments, log: logFile)
        state.withLock { $0.pid = child }
        try waitFor(line: "READY", after: before, child: child, within: .seconds(10), what: "start")
    }

    /// Waits until `logFile` holds more than `count` lines equal to `line`; fails early if the peer exits.
    private func waitFor(line: String, after count: Int, child: pid_t, within limit: Duration, what: String) throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if lines(line) > count { return }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                state.withLock { if $0.pid == child { $0.pid = nil } }
                throw ModbusPeerError.setup(
                    "modbus_peer.py exited (status \((status >> 8) & 0xFF)) instead of"
                        + " printing \(line) (\(what)):\n\(logText)")
            }
            usleep(20_000)
        }
        stop()
        throw ModbusPeerError.setup(
            "modbus_peer.py did not print \(line) within \(limit) (\(what)):\n\(logText)")
    }

    private func lines(_ line: String) -> Int {
        logText.split(separator: "\n").count { $0 == line }
    }

    /// `modbus_peer.py` lives next to this file.
    private static let scriptPath: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("modbus_peer.py").path
    }()
}

/// Why a Modbus test peer could not be set up.
public enum ModbusPeerError: Error, CustomStringConvertible {
    case setup(String)

    public var description: String {
        switch self {
        case .setup(let message): "modbus peer: \(message)"
        }
    }
}
