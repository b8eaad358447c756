import Foundation
import Glibc
import Testing
import VigilTestSupport

private let image: RegisterImage = [
    1: .init(input: [0: 32_460, 1: 12, 2: 0, 3: 65_535], holding: [0: 5, 1: 600]),
    2: .init(input: [0: 7], holding: [100: 42]),
    3: .init(input: [0: 333]),
]

@Suite(.timeLimit(.minutes(1)), .serialized)
struct ModbusPeerTCPTests {
    @Test("FC4 and FC3 return the image; unknown addresses answer exception 2")
    func readsImage() throws {
        let peer = try ModbusPeer.tcp(image: image)
        let client = try RawModbusTCP(host: peer.host, port: peer.port)
        #expect(try client.read(unit: 1, function: 4, address: 0, count: 4) == .registers([32_460, 12, 0, 65_535]))
        #expect(try client.read(unit: 1, function: 3, address: 0, count: 2) == .registers([5, 600]))
        #expect(try client.read(unit: 2, function: 4, address: 0, count: 1) == .registers([7]))
        #expect(try client.read(unit: 2, function: 3, address: 100, count: 1) == .registers([42]))
        #expect(try client.read(unit: 1, function: 4, address: 3, count: 2) == .exception(2))
        #expect(try client.read(unit: 3, function: 3, address: 0, count: 1) == .exception(2))
        #expect(peer.logText.contains("READY"), "\(peer.logText)")
    }

    @Test("a unit that is not in the image never answers, and the connection stays usable")
    func deadUnit() throws {
        let peer = try ModbusPeer.tcp(image: image)
        let client = try RawModbusTCP(host: peer.host, port: peer.port)
        for unit: UInt8 in [0, 4, 247, 255] {
            let start = ContinuousClock.now
            #expect(try client.read(unit: unit, function: 4, address: 0, count: 1) == .noReply, "unit \(unit)")
            #expect(ContinuousClock.now - start >= .milliseconds(950))
        }
        #expect(try client.read(unit: 1, function: 4, address: 1, count: 1) == .registers([12]))
    }

    @Test("a delayed unit answers late while other units answer at once")
    func delayedUnit() throws {
        let peer = try ModbusPeer.tcp(image: image, delays: [3: 1_500])
        let client = try RawModbusTCP(host: peer.host, port: peer.port)
        var start = ContinuousClock.now
        #expect(try client.read(unit: 3, function: 4, address: 0, count: 1) == .noReply)
        #expect(try client.read(unit: 1, function: 4, address: 0, count: 1) == .registers([32_460]))
        // The late reply of the first request arrives meanwhile and is skipped by transaction id.
        start = ContinuousClock.now
        let late = try client.read(unit: 3, function: 4, address: 0, count: 1, timeout: .seconds(3))
        let took = ContinuousClock.now - start
        #expect(late == .registers([333]))
        #expect(took >= .milliseconds(1_400) && took < .milliseconds(2_500), "\(took)")
        start = ContinuousClock.now
        #expect(try client.read(unit: 2, function: 4, address: 0, count: 1) == .registers([7]))
        #expect(ContinuousClock.now - start < .milliseconds(500))
    }

    @Test("stop refuses connections, restart serves the same image on the same port")
    func stopAndRestart() throws {
        let peer = try ModbusPeer.tcp(image: image)
        let port = peer.port
        do {
            let client = try RawModbusTCP(host: peer.host, port: port)
            #expect(try client.read(unit: 1, function: 3, address: 0, count: 1) == .registers([5]))
            peer.stop()
            #expect(!peer.isRunning)
            #expect(throws: (any Error).self) { try client.read(unit: 1, function: 3, address: 0, count: 1) }
        }
        #expect(throws: RawModbusError.self) { try RawModbusTCP(host: peer.host, port: port) }
        try peer.restart()
        #expect(peer.port == port)
        #expect(peer.isRunning)
        let client = try RawModbusTCP(host: peer.host, port: port)
        #expect(try client.read(unit: 1, function: 3, address: 0, count: 1) == .registers([5]))
        try peer.restart()  // restart while running, with a client connected
        let again = try RawModbusTCP(host: peer.host, port: port)
        #expect(try again.read(unit: 2, function: 4, address: 0, count: 1) == .registers([7]))
    }

    @Test("updateImage changes values, adds and removes units while the peer runs")
    func updateImage() throws {
        let peer = try ModbusPeer.tcp(image: image)
        let client = try RawModbusTCP(host: peer.host, port: peer.port)
        #expect(try client.read(unit: 4, function: 4, address: 0, count: 1, timeout: .milliseconds(300)) == .noReply)
        var changed = image
        changed.units[1]?.input[0] = 1_234
        changed.units[2] = nil
        changed.units[4] = .init(input: [0: 44])
        try peer.updateImage(changed)
        #expect(peer.image == changed)
        #expect(try client.read(unit: 1, function: 4, address: 0, count: 1) == .registers([1_234]))
        #expect(try client.read(unit: 4, function: 4, address: 0, count: 1) == .registers([44]))
        #expect(try client.read(unit: 2, function: 4, address: 0, count: 1, timeout: .milliseconds(300)) == .noReply)
        try peer.restart()  // a restart keeps the updated image
        let again = try RawModbusTCP(host: peer.host, port: peer.port)
        #expect(try again.read(unit: 4, function: 4, address: 0, count: 1) == .registers([44]))
    }

    @Test("start-up failures throw with the peer's log")
    func failures() throws {
        let first = try ModbusPeer.tcp(image: image)
        #expect(throws: ModbusPeerError.self) { try ModbusPeer.tcp(image: [0: .init()]) }
        #expect(throws: ModbusPeerError.self) { try ModbusPeer.rtu(device: "/nonexistent/tty", image: image) }
        do {
            _ = try ModbusPeer.rtu(device: "/nonexistent/tty", image: image)
        } catch {
            #expect("\(error)".contains("/nonexistent/tty"), "\(error)")
        }
        _ = first
    }
}

@Suite(.timeLimit(.minutes(1)), .serialized)
struct ModbusPeerRTUTests {
    @Test("socat links appear, bytes cross in both directions regardless of line settings")
    func serialPair() throws {
        let pair = try SerialPair()
        let a = open(pair.deviceA, O_RDWR | O_NOCTTY | O_NONBLOCK)
        let b = open(pair.deviceB, O_RDWR | O_NOCTTY | O_NONBLOCK)
        defer {
            close(a)
            close(b)
        }
        #expect(a >= 0 && b >= 0)
        let bytes: [UInt8] = [0x01, 0x04, 0x0D, 0x0A, 0x00, 0x03, 0x11, 0x13, 0xFF]
        #expect(bytes.withUnsafeBytes { write(a, $0.baseAddress, $0.count) } == bytes.count)
        var got: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(1)
        while got.count < bytes.count, let chunk = try RawModbusTCP.readSome(b, upTo: 64, until: deadline) {
            got += chunk
        }
        #expect(got == bytes, "raw,echo=0 must pass binary unchanged")
        pair.stop()
        #expect(access(pair.deviceA, F_OK) != 0, "socat removes its links on exit")
    }

    @Test("an RTU peer on one end answers a raw RTU master with CRC on the other")
    func rawRTU() throws {
        let pair = try SerialPair()
        let peer = try ModbusPeer.rtu(device: pair.deviceA, baud: 9_600, parity: "E", image: image, delays: [3: 1_200])
        let master = try RawModbusRTU(device: pair.deviceB)
        #expect(
            try master.read(unit: 1, function: 4, address: 0, count: 2) == .registers([32_460, 12]), "\(peer.logText)")
        #expect(try master.read(unit: 1, function: 3, address: 1, count: 1) == .registers([600]))
        #expect(try master.read(unit: 2, function: 3, address: 100, count: 1) == .registers([42]))
        #expect(try master.read(unit: 2, function: 3, address: 0, count: 1) == .exception(2))
        #expect(try master.read(unit: 9, function: 4, address: 0, count: 1) == .noReply)
        let start = ContinuousClock.now
        #expect(try master.read(unit: 3, function: 4, address: 0, count: 1, timeout: .seconds(3)) == .registers([333]))
        #expect(ContinuousClock.now - start >= .milliseconds(1_100))

        try peer.restart()
        #expect(peer.device == pair.deviceA)
        #expect(try master.read(unit: 1, function: 4, address: 1, count: 1) == .registers([12]))
        var changed = image
        changed.units[1]?.holding[0] = 77
        try peer.updateImage(changed)
        #expect(try master.read(unit: 1, function: 3, address: 0, count: 1) == .registers([77]))
    }

    @Test("pymodbus's own serial client reads the RTU peer")
    func pymodbusClient() throws {
        let pair = try SerialPair()
        let peer = try ModbusPeer.rtu(device: pair.deviceA, image: image)
        let script = """
            import logging
            from pymodbus.client import ModbusSerialClient
            logging.disable(logging.CRITICAL)
            c = ModbusSerialClient(port="\(pair.deviceB)", baudrate=19200, timeout=1, retries=0)
            assert c.connect()
            print(c.read_input_registers(0, 4, slave=1).registers)
            print(c.read_holding_registers(100, 1, slave=2).registers)
            print(c.read_input_registers(0, 1, slave=5).isError())
            """
        let output = try python(script)
        #expect(output == "[32460, 12, 0, 65535]\n[42]\nTrue\n", "\(output)\n\(peer.logText)")
    }

    @Test("stopping socat makes the RTU peer exit")
    func deviceLost() throws {
        let pair = try SerialPair()
        let peer = try ModbusPeer.rtu(device: pair.deviceA, image: image)
        pair.stop()
        let deadline = ContinuousClock.now + .seconds(3)
        while peer.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        #expect(!peer.isRunning, "\(peer.logText)")
        #expect(peer.logText.contains("serial device lost"), "\(peer.logText)")
    }

    /// Runs a Python snippet under Debian's interpreter and returns its stdout and stderr.
    private func python(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
