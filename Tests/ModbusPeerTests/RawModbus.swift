import Foundation
import Glibc

/// What a raw Modbus request got back.
enum RawReply: Equatable {
    case registers([UInt16])
    case exception(UInt8)
    case noReply
}

struct RawModbusError: Error, CustomStringConvertible {
    var description: String
}

/// A minimal Modbus TCP client on plain sockets, independent of any Vigil code: one request at a time.
final class RawModbusTCP {
    private let fd: Int32
    private var transaction: UInt16 = 0

    init(host: String, port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawModbusError(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let error = errno
            close(fd)
            throw RawModbusError(description: "connect \(host):\(port): errno \(error)")
        }
    }

    deinit {
        close(fd)
    }

    /// Sends FC3/FC4 and waits up to `timeout` for the reply of this transaction.
    func read(unit: UInt8, function: UInt8, address: UInt16, count: UInt16, timeout: Duration = .seconds(1)) throws
        -> RawReply
    {
        transaction &+= 1
        let pdu = [function] + Self.bigEndian(address) + Self.bigEndian(count)
        let frame = Self.bigEndian(transaction) + [0, 0] + Self.bigEndian(UInt16(pdu.count + 1)) + [unit] + pdu
        guard frame.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == frame.count else {
            throw RawModbusError(description: "send: errno \(errno)")
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let header = try receive(7, until: deadline) else { return .noReply }
            let length = Int(header[4]) << 8 | Int(header[5])
            guard let body = try receive(length - 1, until: deadline) else { return .noReply }
            let replyTransaction = UInt16(header[0]) << 8 | UInt16(header[1])
            // A late answer to an earlier, timed-out request: skip it.
            guard replyTransaction == transaction else { continue }
            guard header[6] == unit else { throw RawModbusError(description: "reply from unit \(header[6])") }
            return try Self.decode(pdu: body, function: function, count: count)
        }
    }

    static func decode(pdu: [UInt8], function: UInt8, count: UInt16) throws -> RawReply {
        if pdu.first == function | 0x80, pdu.count >= 2 { return .exception(pdu[1]) }
        guard pdu.first == function, pdu.count >= 2, Int(pdu[1]) == Int(count) * 2, pdu.count == 2 + Int(pdu[1])
        else {
            throw RawModbusError(description: "malformed reply \(pdu)")
        }
        return .registers(stride(from: 2, to: pdu.count, by: 2).map { UInt16(pdu[$0]) << 8 | UInt16(pdu[$0 + 1]) })
    }

    static func bigEndian(_ value: UInt16) -> [UInt8] {
        [UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    /// Exactly `count` bytes, or nil when the deadline passes first.
    private func receive(_ count: Int, until deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        while bytes.count < count {
            guard let chunk = try Self.readSome(fd, upTo: count - bytes.count, until: deadline) else { return nil }
            bytes += chunk
        }
        return bytes
    }

    /// Polls `fd` until it is readable or the deadline passes; nil on timeout.
    static func readSome(_ fd: Int32, upTo count: Int, until deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { return nil }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&poller, 1, max(milliseconds, 1))
        guard ready > 0 else { return ready == 0 ? nil : try readSome(fd, upTo: count, until: deadline) }
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
        guard got > 0 else { throw RawModbusError(description: "read returned \(got), errno \(errno)") }
        return Array(buffer[..<got])
    }
}

/// A minimal Modbus RTU master on a serial device (one end of a `SerialPair`), independent of Vigil code.
final class RawModbusRTU {
    private let fd: Int32

    init(device: String) throws {
        fd = open(device, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw RawModbusError(description: "open \(device): errno \(errno)") }
    }

    deinit {
        close(fd)
    }

    /// Sends FC3/FC4 with CRC and waits up to `timeout` for a complete reply frame.
    func read(unit: UInt8, function: UInt8, address: UInt16, count: UInt16, timeout: Duration = .seconds(1)) throws
        -> RawReply
    {
        var frame = [unit, function] + RawModbusTCP.bigEndian(address) + RawModbusTCP.bigEndian(count)
        frame += Self.crc(frame)
        guard frame.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == frame.count else {
            throw RawModbusError(description: "write: errno \(errno)")
        }
        let deadline = ContinuousClock.now + timeout
        var reply: [UInt8] = []
        while true {
            // unit, function, byte count or exception code, ..., CRC
            if reply.count >= 5, reply[1] == function | 0x80 { break }
            if reply.count >= 3, reply[1] == function, reply.count >= 5 + Int(reply[2]) { break }
            guard let chunk = try RawModbusTCP.readSome(fd, upTo: 256, until: deadline) else {
                return reply.isEmpty ? .noReply : .exception(0xFF)
            }
            reply += chunk
        }
        let body = Array(reply[..<(reply.count - 2)])
        guard Self.crc(body) == Array(reply[(reply.count - 2)...]) else {
            throw RawModbusError(description: "bad CRC in \(reply)")
        }
        guard body[0] == unit else { throw RawModbusError(description: "reply from unit \(body[0])") }
        return try RawModbusTCP.decode(pdu: Array(body.dropFirst()), function: function, count: count)
    }

    /// Modbus CRC-16 (polynomial 0xA001), low byte first.
    static func crc(_ bytes: [UInt8]) -> [UInt8] {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xA001 : crc >> 1
            }
        }
        return [UInt8(crc & 0xFF), UInt8(crc >> 8)]
    }
}
