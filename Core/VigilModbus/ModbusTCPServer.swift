internal import CModbus
import Synchronization

#if canImport(Glibc)
    internal import Glibc
#endif

/// A minimal Modbus TCP server on loopback, serving a fixed register image.
///
/// For benchmarks: pymodbus, the real peer the tests use, is far too slow to measure how fast
/// the collector decodes and publishes. libmodbus answers in microseconds, so this measures Vigil.
public final class ModbusTCPServer: Sendable {
    public let port: Int
    private nonisolated(unsafe) let context: OpaquePointer
    private nonisolated(unsafe) let mapping: UnsafeMutablePointer<modbus_mapping_t>
    private let listener: Int32
    private let stopping = Mutex(false)

    /// - Parameters: input and holding register images starting at address 0.
    public init(input: [UInt16], holding: [UInt16] = []) throws(ModbusError) {
        guard let context = modbus_new_tcp("127.0.0.1", 0) else {
            throw ModbusError.from(errno: errno, operation: "server")
        }
        guard let mapping = modbus_mapping_new(0, 0, Int32(max(holding.count, 1)), Int32(max(input.count, 1))) else {
            modbus_free(context)
            throw ModbusError.from(errno: errno, operation: "server mapping")
        }
        for (index, value) in input.enumerated() { mapping.pointee.tab_input_registers[index] = value }
        for (index, value) in holding.enumerated() { mapping.pointee.tab_registers[index] = value }
        let socket = modbus_tcp_listen(context, 1)
        guard socket >= 0 else {
            let error = ModbusError.from(errno: errno, operation: "server listen")
            modbus_mapping_free(mapping)
            modbus_free(context)
            throw error
        }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        self.context = context
        self.mapping = mapping
        listener = socket
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// The serving thread holds the server, so this runs only once that thread has ended.
    deinit {
        close(listener)
        modbus_mapping_free(mapping)
        modbus_free(context)
    }

    /// Serves one client at a time on a dedicated thread until `stop()`.
    public func start() {
        OSThread.spawn { [self] in serve() }
    }

    public func stop() {
        stopping.withLock { $0 = true }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve() {
        var query = [UInt8](repeating: 0, count: 260)
        while !stopping.withLock({ $0 }) {
            var socket = listener
            guard modbus_tcp_accept(context, &socket) >= 0 else { return }
            while true {
                let received = query.withUnsafeMutableBufferPointer { modbus_receive(context, $0.baseAddress) }
                if received < 0 { break }
                if received > 0 {
                    _ = query.withUnsafeBufferPointer { modbus_reply(context, $0.baseAddress, received, mapping) }
                }
            }
            modbus_close(context)
        }
    }
}
