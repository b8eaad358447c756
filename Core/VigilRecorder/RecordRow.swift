import VigilDomain
import VigilMQTT
import VigilStore

/// One message turned into the row it becomes; built outside the database actor so decoding
/// does not hold up commits.
enum RecordRow: Sendable {
    case telemetry(
        asset: String, seq: Int64, ts: Int64, kind: String, collector: String?, metrics: [Metric], payload: String)
    case deviceStatus(device: String, ts: Int64, state: String, payload: String)
    case evaluation(asset: String, seq: Int64, ts: Int64, score: Double, findings: Int, payload: String)
    case alertEvent(
        id: String, ts: Int64, asset: String, code: String, transition: String, tier: String, alerter: String?,
        seq: Int64?, payload: String)
    case rejected(asset: String, seq: Int64, reason: String, payload: String)
    /// Kept, not dropped: a malformed message is evidence of a broken device or integration.
    case invalid(topic: String, reason: String, payload: [UInt8])

    /// One numeric value of a reading, flattened for the rollups.
    typealias Metric = Reading.Metric

    /// A good reading's values, flattened; stale and failed readings add nothing to the rollups
    /// (a stale value is a repeat of one already counted).
    static func metrics(of reading: Reading, includingStale: Bool = false) -> [Metric] {
        guard reading.quality == .good || includingStale else { return [] }
        var metrics: [Metric] = []
        metrics.reserveCapacity(reading.values.scalars.count + reading.values.jars.count * 3)
        // Sorted: a dictionary's order differs from one reading to the next, and `RollupBatch`
        // finds each metric's rollup cheaply only when the order repeats.
        for (name, value) in reading.values.scalars.sorted(by: { $0.key < $1.key }) {
            metrics.append(Metric(name: name, value: value))
        }
        for (name, values) in reading.values.series.sorted(by: { $0.key < $1.key }) {
            for (index, value) in values.enumerated() {
                metrics.append(Metric(name: "\(name).\(index + 1)", value: value))
            }
        }
        for (index, jar) in reading.values.jars.enumerated() {
            for (name, value) in jar.sorted(by: { $0.key < $1.key }) {
                metrics.append(Metric(name: Reading.jarMetricName(index, name), value: value))
            }
        }
        return metrics
    }

    /// A reading's row; also how a stored reading is rolled up again after a crash.
    static func telemetry(_ payload: [UInt8], text: String, maximumBytes: Int) throws(PayloadError) -> RecordRow {
        if payload.count <= maximumBytes, let (reading, flat) = Reading.fastFlattened(payload) {
            let metrics = reading.quality == .good ? flat : []
            return .telemetry(
                asset: reading.asset.rawValue, seq: Int64(clamping: reading.seq),
                ts: reading.ts.millisecondsSinceEpoch, kind: reading.kind.rawValue,
                collector: reading.collector?.rawValue, metrics: metrics, payload: text)
        }
        // Anything but a plainly valid reading: JSONDecoder names the field and the reason.
        let reading = try PayloadCodec.decode(Reading.self, from: payload, maximumBytes: maximumBytes)
        return .telemetry(
            asset: reading.asset.rawValue, seq: Int64(clamping: reading.seq),
            ts: reading.ts.millisecondsSinceEpoch, kind: reading.kind.rawValue,
            collector: reading.collector?.rawValue, metrics: metrics(of: reading), payload: text)
    }

    static func make(from message: MQTTMessage, topics: Topics, maximumBytes: Int) -> RecordRow {
        do throws(PayloadError) {
            let text = String(decoding: message.payload, as: UTF8.self)
            switch topics.parse(message.topic) {
            case .telemetry:
                return try telemetry(message.payload, text: text, maximumBytes: maximumBytes)
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
                    tier: event.alert.tier.rawValue, alerter: event.alerter?.rawValue,
                    seq: event.seq.map { Int64(clamping: $0) }, payload: text)
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
