/// A register map that cannot be trusted, with the file, the entry and the reason.
public struct RegisterMapError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// `registers[12] (voltage_v)`, or empty for the whole file.
    public var entry: String
    public var reason: String

    public var description: String {
        entry.isEmpty ? "register map \(file): \(reason)" : "register map \(file), \(entry): \(reason)"
    }
}
