/// Where a Modbus unit is reached: a TCP endpoint, or an RS-485/RS-232 line.
public enum ModbusTransport: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case rtu(SerialLine)

    public struct SerialLine: Sendable, Hashable {
        public var device: String
        public var baud: Int
        /// `N`, `E` or `O`.
        public var parity: Character
        public var dataBits: Int
        public var stopBits: Int

        public init(device: String, baud: Int = 9600, parity: Character = "N", dataBits: Int = 8, stopBits: Int = 1) {
            self.device = device
            self.baud = baud
            self.parity = parity
            self.dataBits = dataBits
            self.stopBits = stopBits
        }
    }

    /// `modbus-tcp://host:502` or `modbus-rtu:///dev/ttyUSB0?9600-8N1`: the reading's `source`.
    public var description: String {
        switch self {
        case .tcp(let host, let port): "modbus-tcp://\(host):\(port)"
        case .rtu(let line):
            "modbus-rtu://\(line.device)?\(line.baud)-\(line.dataBits)\(line.parity)\(line.stopBits)"
        }
    }
}
