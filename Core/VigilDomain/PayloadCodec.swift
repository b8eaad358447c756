#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// JSON in and out of every topic, with refusals that name the field.
///
/// Uses FoundationEssentials' coders rather than full Foundation: the agents' memory budget
/// (16 MB at site load) cannot afford ICU at idle.
public enum PayloadCodec {
    /// The design's default ceiling for one message; larger payloads are refused before parsing.
    public static let defaultMaximumBytes = 64 * 1024

    public static func decode<T: Decodable>(
        _ type: T.Type, from bytes: [UInt8], maximumBytes: Int = defaultMaximumBytes
    ) throws(PayloadError) -> T {
        guard bytes.count <= maximumBytes else {
            throw PayloadError(
                field: "payload", reason: "is \(bytes.count) bytes, over the \(maximumBytes)-byte limit")
        }
        guard !bytes.isEmpty else { throw PayloadError(field: "payload", reason: "is empty") }
        // Readings are most of the traffic; a plainly valid one is read directly. Anything else,
        // including every refusal, goes through JSONDecoder.
        if T.self == Reading.self, let reading = Reading.fastDecoded(bytes) { return reading as! T }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as PayloadError {
            throw error
        } catch let error as DecodingError {
            throw PayloadError(error)
        } catch {
            throw PayloadError(field: "payload", reason: "could not be decoded: \(error)")
        }
    }

    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        if let reading = value as? Reading { return reading.encodedJSON() }
        if let evaluation = value as? Evaluation, let json = evaluation.encodedJSON() { return json }
        if let alert = value as? Alert, let json = alert.encodedJSON() { return json }
        if let event = value as? AlertEvent, let json = event.encodedJSON() { return json }
        do {
            let encoder = JSONEncoder()
            // Stable key order: diffs, logs and golden tests read the same from run to run. Slashes
            // as they are ("kW/ton"): valid JSON, readable, and within the fast decoders' reach.
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(value))
        } catch {
            // Our own payload types hold only finite numbers and strings; failing here is a bug.
            preconditionFailure("encoding \(T.self) failed: \(error)")
        }
    }
}

extension PayloadError {
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: (context.codingPath + [key]).fieldName, reason: "is missing")
        case .valueNotFound(_, let context):
            self.init(field: context.codingPath.fieldName, reason: "is null")
        case .typeMismatch(let type, let context):
            self.init(field: context.codingPath.fieldName, reason: "expected \(Self.describe(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
                self.init(field: "payload", reason: "is not valid JSON (\(detail))")
            } else {
                self.init(field: context.codingPath.fieldName, reason: context.debugDescription)
            }
        @unknown default:
            self.init(field: "payload", reason: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type, is UInt64.Type, is Int64.Type: return "an integer"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
    }
}
