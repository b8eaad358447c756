/// A configuration value that cannot be used, named by its full key so the fix is obvious.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted key, e.g. `evaluator.limits.vrla_string.jar_voltage_v.warn_low`.
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { key.isEmpty ? reason : "config key '\(key)': \(reason)" }
}
