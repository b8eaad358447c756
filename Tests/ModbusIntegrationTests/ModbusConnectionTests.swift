import Glibc
import Testing
import VigilModbus
import VigilRuntime
import VigilTestSupport

/// libmodbus, through our wrapper, against pymodbus: a Modbus implementation nobody here wrote.
@Suite(.timeLimit(.minutes(1)), .serialized)
struct ModbusConnectionTests {
    @Test func readsInputAndHoldingRegistersOverTCP() throws {
        let peer = try ModbusPeer.tcp(image: [1: BatteryImage.unit(), 2: .init(holding: [5: 42, 6: 43])])
        let connection = try ModbusConnection(.tcp(host: peer.host, port: peer.port))
        let registers = try connection.readRegisters(
            unit: 1, table: .input, address: 0, count: 118, timeout: .milliseconds(500))
        #expect(registers.count == 118)
        #expect(registers[0] == 32_460)
        #expect(registers[116] == 1)  // jar 24's resistance, high word of 70,000 µΩ
        #expect(registers[117] == 4464)  // and its low word
        #expect(
            try connection.readRegisters(unit: 2, table: .holding, address: 5, count: 2, timeout: .seconds(1)) == [
                42, 43,
            ])
    }

    @Test func classifiesWhatGoesWrong() throws {
        let peer = try ModbusPeer.tcp(image: [1: .init(input: [0: 1])])
        let connection = try ModbusConnection(.tcp(host: peer.host, port: peer.port))
        // An unmapped register: the unit answers with exception 2, illegal data address.
        #expect(throws: ModbusError.self) {
            try connection.readRegisters(unit: 1, table: .input, address: 10, count: 1, timeout: .milliseconds(500))
        }
        do {
            _ = try connection.readRegisters(unit: 1, table: .input, address: 10, count: 1, timeout: .milliseconds(500))
        } catch {
            #expect(error.kind == .exception(2))
            #expect(error.unitAnswered)
        }
        // A unit that is not on the bus: nothing answers.
        do {
            _ = try connection.readRegisters(unit: 9, table: .input, address: 0, count: 1, timeout: .milliseconds(300))
            Issue.record("a dead unit answered")
        } catch {
            #expect(error.kind == .timeout)
            #expect(!error.unitAnswered)
        }
        // The connection still serves the live unit afterwards.
        #expect(try connection.readRegisters(unit: 1, table: .input, address: 0, count: 1, timeout: .seconds(1)) == [1])
    }

    @Test func reconnectsAfterThePeerRestarts() throws {
        let peer = try ModbusPeer.tcp(image: [1: .init(input: [0: 7])])
        let connection = try ModbusConnection(.tcp(host: peer.host, port: peer.port))
        #expect(try connection.readRegisters(unit: 1, table: .input, address: 0, count: 1, timeout: .seconds(1)) == [7])
        peer.stop()
        #expect(throws: ModbusError.self) {
            try connection.readRegisters(unit: 1, table: .input, address: 0, count: 1, timeout: .milliseconds(300))
        }
        try peer.updateImage([1: .init(input: [0: 8])])
        try peer.restart()
        var value: [UInt16] = []
        for _ in 0..<5 {
            if let read = try? connection.readRegisters(
                unit: 1, table: .input, address: 0, count: 1, timeout: .milliseconds(500))
            {
                value = read
                break
            }
        }
        #expect(value == [8])
    }

    @Test func readsOverRTUThroughASerialLine() throws {
        let line = try SerialPair()
        let peer = try ModbusPeer.rtu(device: line.deviceB, baud: 19_200, image: [3: BatteryImage.unit()])
        let connection = try ModbusConnection(.rtu(.init(device: line.deviceA, baud: 19_200)))
        let registers = try connection.readRegisters(
            unit: 3, table: .input, address: 0, count: 118, timeout: .seconds(2))
        #expect(registers[0] == 32_460)
        #expect(registers[1] == UInt16(bitPattern: -15))
        #expect(registers[117] == 4464)  // jar 24's resistance, low word of 70,000
        peer.stop()
    }
}

extension ModbusConnectionTests {
    /// Modbus CRC-16 (polynomial 0xA001), low byte first on the wire.
    static func crc(_ bytes: [UInt8]) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }

    @Test func aCorruptedFrameIsACRCErrorAndNeverAValue() throws {
        let line = try SerialPair()
        let fd = open(line.deviceB, O_RDWR | O_NOCTTY)
        try #require(fd >= 0)
        defer { close(fd) }
        // A unit on a noisy line: it answers with the right shape and a wrong checksum.
        OSThread.spawn {
            var request = [UInt8](repeating: 0, count: 8)
            var received = 0
            while received < 8 {
                let count = request.withUnsafeMutableBytes { read(fd, $0.baseAddress! + received, 8 - received) }
                if count <= 0 { return }
                received += count
            }
            let body: [UInt8] = [request[0], 4, 2, 0x12, 0x34]
            let good = Self.crc(body)
            let reply = body + [UInt8(good & 0xFF) ^ 0xFF, UInt8(good >> 8)]
            _ = reply.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
        let connection = try ModbusConnection(.rtu(.init(device: line.deviceA, baud: 19_200)))
        do {
            let registers = try connection.readRegisters(
                unit: 1, table: .input, address: 0, count: 1, timeout: .milliseconds(500))
            Issue.record("a corrupted frame was read as \(registers)")
        } catch {
            #expect(error.kind == .crc, "\(error)")
            #expect(!error.unitAnswered)
        }
    }
}
