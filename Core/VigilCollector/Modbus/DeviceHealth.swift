public import VigilDomain
public import VigilModbus

/// One device's reachability, from its poll outcomes. Pure state machine, tested without a bus.
public struct DeviceHealth: Sendable, Equatable {
    public private(set) var state: DeviceStatus.State = .ok
    public private(set) var consecutiveFailures = 0
    public private(set) var lastError: String?
    public private(set) var lastOK: Timestamp?
    public private(set) var counters: [String: Int] = [
        "polls": 0, "requests": 0, "timeouts": 0, "exceptions": 0, "crc_errors": 0, "bad_responses": 0,
        "connection_errors": 0,
    ]
    /// Polls in a row without any answer before the device is called unreachable.
    public let unreachableAfter: Int

    public init(unreachableAfter: Int = 3) { self.unreachableAfter = unreachableAfter }

    /// Records one poll; returns true when the state changed (the retained status must be updated).
    @discardableResult
    public mutating func record(_ outcome: PollOutcome, at now: Timestamp) -> Bool {
        let before = state
        counters["polls", default: 0] += 1
        counters["requests", default: 0] += outcome.requests
        for error in outcome.errors {
            let name =
                switch error.kind {
                case .timeout: "timeouts"
                case .exception: "exceptions"
                case .crc: "crc_errors"
                case .badResponse: "bad_responses"
                case .connection, .invalid: "connection_errors"
                }
            counters[name, default: 0] += 1
        }
        let succeeded = outcome.registers.filter { $0 != nil }.count
        if succeeded == outcome.registers.count {
            consecutiveFailures = 0
            state = .ok
            lastOK = now
        } else if succeeded > 0 {
            consecutiveFailures = 0
            state = .degraded
            lastOK = now
        } else {
            consecutiveFailures += 1
            // A unit that answers with exceptions is alive: the map or its configuration is wrong.
            let answered = outcome.errors.contains { $0.unitAnswered }
            state = consecutiveFailures >= unreachableAfter && !answered ? .unreachable : .degraded
        }
        if let error = outcome.errors.last { lastError = error.description }
        if state == .ok { lastError = nil }
        return state != before
    }
}

/// What one poll of a device brought back: per planned range, the registers or nil, and why not.
public struct PollOutcome: Sendable, Equatable {
    public var registers: [[UInt16]?]
    public var errors: [ModbusError]
    public var requests: Int
    /// Ranges the unit answered with a Modbus exception: it is there, but does not serve them.
    public var refusedRanges: Set<Int>

    public init(registers: [[UInt16]?], errors: [ModbusError], requests: Int, refusedRanges: Set<Int> = []) {
        self.registers = registers
        self.errors = errors
        self.requests = requests
        self.refusedRanges = refusedRanges
    }
}
