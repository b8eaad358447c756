internal import CModbus

#if canImport(Glibc)
    internal import Glibc
#endif

/// Why a Modbus request failed, sorted the way a field engineer diagnoses a bus.
///
/// A Modbus exception means the unit answered (it is alive but refuses the request); a timeout
/// means nothing answered; a CRC error means noise or a wiring fault. Device status reports
/// each separately, and none of them ever becomes a value.
public struct ModbusError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The unit answered with a Modbus exception (1 illegal function, 2 illegal address, …).
        case exception(Int)
        case timeout
        case crc
        /// A malformed or unexpected response (wrong unit, wrong length).
        case badResponse
        /// The link itself: connection refused or reset, serial port gone.
        case connection
        /// Our own request or settings were wrong.
        case invalid
    }

    public let operation: String
    public let kind: Kind
    public let code: Int32
    public let message: String

    public init(operation: String, kind: Kind, code: Int32, message: String) {
        self.operation = operation
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "modbus \(operation) failed: \(message)" }

    /// The one place a libmodbus errno becomes a Swift error.
    static func from(errno code: Int32, operation: String) -> ModbusError {
        let base = vigil_modbus_errno_base()
        let message = String(cString: modbus_strerror(code))
        let kind: Kind
        switch code {
        case base + 1...base + 11: kind = .exception(Int(code - base))
        case vigil_modbus_bad_crc(): kind = .crc
        case vigil_modbus_bad_data(), vigil_modbus_bad_slave(), vigil_modbus_bad_exception(),
            vigil_modbus_unknown_exception(), vigil_modbus_too_much_data():
            kind = .badResponse
        case ETIMEDOUT: kind = .timeout
        case EINVAL: kind = .invalid
        default: kind = .connection
        }
        return ModbusError(operation: operation, kind: kind, code: code, message: message)
    }

    static func invalid(_ operation: String, _ message: String) -> ModbusError {
        ModbusError(operation: operation, kind: .invalid, code: EINVAL, message: message)
    }

    /// A unit that answered with an exception is reachable; everything else means it is not.
    public var unitAnswered: Bool {
        if case .exception = kind { return true }
        return false
    }
}
