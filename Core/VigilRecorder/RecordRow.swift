import VigilDomain
import VigilMQTT
import VigilStore

/// One message turned into the row it becomes; built outside the database actor so decoding
/// does not hold up commits.
enum RecordRow: Sendable {
    case telemetry(asset: String, seq: Int64, ts: Int64, kind: String, collector: String?, payload: String)
    case deviceStatus(device: String, ts: Int64, state: String, payload: String)
    case evaluation(asset: String, seq: Int64, ts: Int64, score: Double, findings: Int, payload: String)
    case alertEvent(
        id: String, ts: Int64, asset: String, code: String, transition: String, tier: String, payload: String)
    case rejected(asset: String, seq: Int64, reason: String, payload: String)
    /// Kept, not dropped: a malformed message is evidence of a broken device or integration.
    case invalid(topic: String, reason: String, payload: [UInt8])

    static func make(from message: MQTTMessage, topics: Topics, maximumBytes: Int) -> RecordRow {
        do throws(PayloadError) {
            let text = String(decoding: message.payload, as: UTF8.self)
            switch topics.parse(message.topic) {
            case .telemetry:
                let reading = try PayloadCodec.decode(Reading.self, from: message.payload, maximumBytes: maximumBytes)
                return .telemetry(
                    asset: reading.asset.rawValue, seq: Int64(clamping: reading.seq),
                    ts: reading.ts.millisecondsSinceEpoch, kind: reading.kind.rawValue,
                    collector: reading.collector?.rawValue, payload: text)
            case .device:
                let status = try PayloadCodec.decode(
                    DeviceStatus.self, from: message.payload, maximumBytes: maximumBytes)
                return .deviceStatus(
                    device: status.device.rawValue, ts: status.ts.millisecondsSinceEpoch,
                    state: status.state.rawValue, payload: text)
            case .evaluation:
                let evaluation = try PayloadCodec.decode(
                    Evaluation.self, from: message.payload, maximumBytes: maximumBytes)
                return .evaluation(
                    asset: evaluation.asset.rawValue, seq: Int64(clamping: evaluation.seq),
                    ts: evaluation.ts.millisecondsSinceEpoch, score: evaluation.health.score,
                    findings: evaluation.findings.count, payload: text)
            case .alertEvents:
                let event = try PayloadCodec.decode(AlertEvent.self, from: message.payload, maximumBytes: maximumBytes)
                return .alertEvent(
                    id: event.eventID, ts: event.ts.millisecondsSinceEpoch, asset: event.alert.asset.rawValue,
                    code: event.alert.code.rawValue, transition: event.transition.rawValue,
                    tier: event.alert.tier.rawValue, payload: text)
            case .rejected:
                let rejection = try PayloadCodec.decode(
                    Rejection.self, from: message.payload, maximumBytes: maximumBytes)
                return .rejected(
                    asset: rejection.asset.rawValue, seq: Int64(clamping: rejection.seq), reason: rejection.reason,
                    payload: text)
            default:
                return .invalid(topic: message.topic, reason: "topic is not recorded", payload: message.payload)
            }
        } catch {
            return .invalid(
                topic: message.topic, reason: error.description, payload: Array(message.payload.prefix(maximumBytes)))
        }
    }
}
