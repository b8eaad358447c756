internal import CMosquitto
internal import Glibc

/// A failed MQTT operation, with the library's or the broker's own words for why.
///
/// `operation` names what was attempted ("connect", "subscribe", "publish", …) so that a log line or a
/// status message is meaningful without a stack trace.
public struct MQTTError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let code: Int32
    public let message: String

    public var description: String {
        "mqtt \(operation) failed: \(message) (code \(code))"
    }

    init(operation: String, code: Int32, message: String) {
        self.operation = operation
        self.code = code
        self.message = message
    }
}

extension MQTTError {
    /// Which table a numeric code belongs to; the same number means different things in each.
    enum Source {
        /// A `MOSQ_ERR_*` return code from a libmosquitto call.
        case library
        /// The return code of a CONNACK: 1…5 in MQTT 3.1.1, a reason code (≥ 0x80) in MQTT 5.
        case connack
        /// An MQTT 5 reason code (PUBACK, SUBACK, DISCONNECT), or 0x80 for a refused 3.1.1 SUBACK.
        case reason
        /// The code passed to the disconnect callback: a `MOSQ_ERR_*` value, or a reason code ≥ 0x80 when
        /// the broker sent an MQTT 5 DISCONNECT.
        case disconnect
        /// A POSIX errno, for conditions detected on the Swift side (timeouts, cancellation).
        case system
    }

    /// The one place where a numeric code from libmosquitto, the broker or the system becomes an error.
    static func failure(
        _ operation: String,
        code: Int32,
        source: Source = .library,
        detail: String? = nil
    ) -> MQTTError {
        let text: String
        switch source {
        case .library:
            text = String(cString: mosquitto_strerror(code))
        case .connack:
            text = String(cString: code < 0x80 ? mosquitto_connack_string(code) : mosquitto_reason_string(code))
        case .reason:
            text = String(cString: mosquitto_reason_string(code))
        case .disconnect:
            text = String(cString: code >= 0x80 ? mosquitto_reason_string(code) : mosquitto_strerror(code))
        case .system:
            text = String(cString: strerror(code))
        }
        var message = text.hasSuffix(".") ? String(text.dropLast()) : text
        if let detail {
            message += " (\(detail))"
        }
        return MQTTError(operation: operation, code: code, message: message)
    }

    /// Turns a libmosquitto return code into a thrown error, so call sites stay one line long.
    static func check(_ code: Int32, _ operation: String) throws(MQTTError) {
        if code != MOSQ_ERR_SUCCESS.rawValue {
            throw failure(operation, code: code)
        }
    }
}
