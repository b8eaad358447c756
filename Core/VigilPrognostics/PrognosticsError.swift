/// Why data or a model cannot be used, in words an engineer can act on.
public struct PrognosticsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
