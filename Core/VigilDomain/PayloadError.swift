/// Why a payload, configuration value or identifier was refused.
///
/// Every refusal names the field, because "invalid message" alone sends an engineer to a packet
/// capture; "values.jars[6].voltage_v: is not a finite number" sends them to the right sensor.
public struct PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the offending field, e.g. `values.jars[6].voltage_v`, or `payload` for the whole.
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }

    /// The same error, reported as part of an enclosing field.
    public func nested(under parent: String) -> PayloadError {
        PayloadError(field: field.hasPrefix("[") ? parent + field : "\(parent).\(field)", reason: reason)
    }
}

extension [any CodingKey] {
    /// `values.jars[3].voltage_v` from a decoder's coding path.
    var fieldName: String {
        var name = ""
        for key in self {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return name.isEmpty ? "payload" : name
    }
}
