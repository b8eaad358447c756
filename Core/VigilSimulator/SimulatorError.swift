/// A scenario or configuration the simulator cannot apply, with the reason.
public struct SimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
