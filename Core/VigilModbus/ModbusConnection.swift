internal import CModbus

#if canImport(Glibc)
    internal import Glibc
#endif

/// One libmodbus context: a TCP connection or an open serial line, used by exactly one thread.
///
/// libmodbus is blocking, so the collector gives each bus its own thread that owns one of these;
/// that is also what keeps requests on a shared RS-485 line from ever interleaving.
public final class ModbusConnection {
    public enum Table: Int32, Sendable, Hashable, Comparable {
        /// Function code 3.
        case holding = 3
        /// Function code 4.
        case input = 4

        public static func < (lhs: Table, rhs: Table) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The protocol's limit for one read request.
    public static let maximumRegistersPerRead = 125

    public let transport: ModbusTransport
    private let context: OpaquePointer
    public private(set) var isConnected = false

    public init(_ transport: ModbusTransport) throws(ModbusError) {
        self.transport = transport
        let created: OpaquePointer?
        switch transport {
        case .tcp(let host, let port):
            created = modbus_new_tcp_pi(host, String(port))
        case .rtu(let line):
            guard let parity = line.parity.asciiValue, "NEO".utf8.contains(parity) else {
                throw .invalid("open", "parity must be N, E or O")
            }
            created = modbus_new_rtu(
                line.device, Int32(line.baud), CChar(parity), Int32(line.dataBits), Int32(line.stopBits))
        }
        guard let created else { throw ModbusError.from(errno: errno, operation: "open \(transport)") }
        context = created
        // Without this, a unit that answers with the wrong id or a torn frame leaves the next
        // request reading the tail of the previous one.
        modbus_set_error_recovery(context, MODBUS_ERROR_RECOVERY_PROTOCOL)
    }

    deinit {
        close()
        modbus_free(context)
    }

    public func connect() throws(ModbusError) {
        guard !isConnected else { return }
        guard modbus_connect(context) == 0 else {
            throw ModbusError.from(errno: errno, operation: "connect \(transport)")
        }
        isConnected = true
    }

    public func close() {
        guard isConnected else { return }
        modbus_close(context)
        isConnected = false
    }

    /// Reads `count` registers of one unit; connects first if needed.
    ///
    /// A connection-level failure closes the link so the next call reconnects (a TCP peer that
    /// restarted, a USB serial adapter that was unplugged and came back).
    public func readRegisters(
        unit: UInt8, table: Table, address: Int, count: Int, timeout: Duration
    ) throws(ModbusError) -> [UInt16] {
        guard (1...Self.maximumRegistersPerRead).contains(count), address >= 0, address + count <= 65536 else {
            throw .invalid("read", "\(count) registers at \(address) is outside the protocol's limits")
        }
        // libmodbus also uses the response timeout for the TCP connect: set it first.
        let (seconds, attoseconds) = timeout.components
        modbus_set_response_timeout(context, UInt32(seconds), UInt32(attoseconds / 1_000_000_000_000))
        try connect()
        guard modbus_set_slave(context, Int32(unit)) == 0 else {
            throw ModbusError.from(errno: errno, operation: "set unit \(unit)")
        }
        var registers = [UInt16](repeating: 0, count: count)
        let result = registers.withUnsafeMutableBufferPointer { buffer in
            table == .holding
                ? modbus_read_registers(context, Int32(address), Int32(count), buffer.baseAddress)
                : modbus_read_input_registers(context, Int32(address), Int32(count), buffer.baseAddress)
        }
        guard result == Int32(count) else {
            let error = ModbusError.from(
                errno: result < 0 ? errno : vigil_modbus_bad_data(),
                operation: "read unit \(unit) \(table == .holding ? "holding" : "input") \(address)+\(count)")
            if error.kind == .connection { close() }
            // After a timeout on TCP a late answer could be mistaken for the next one.
            if error.kind == .timeout || error.kind == .crc || error.kind == .badResponse { modbus_flush(context) }
            throw error
        }
        return registers
    }
}
