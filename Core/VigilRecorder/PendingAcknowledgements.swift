import VigilDomain

/// Acknowledgements held back until the commits they cover are on disk: the collector deletes
/// what an acknowledgement covers, so one sent before the fsync could name readings a power cut
/// then takes from both sides. Each batch's progress replaces the last for its assets (a ledger
/// only grows), so a second of batches goes out as one message per collector.
struct PendingAcknowledgements: Sendable {
    /// More assets than this go out in several messages, so an acknowledgement for a large site
    /// stays well under the collector's payload limit (64 KiB by default; about 60 bytes an asset).
    static let maximumAssetsPerMessage = 256

    private var progress: [TopicLevel: [String: Acknowledgement.Progress]] = [:]

    var isEmpty: Bool { progress.isEmpty }

    mutating func hold(_ acknowledgements: [Acknowledgement]) {
        for ack in acknowledgements {
            progress[ack.collector, default: [:]].merge(ack.assets) { _, newer in newer }
        }
    }

    /// Everything held, one message per collector (or several for a very large one), in the
    /// collectors' name order so the order does not depend on hashing.
    mutating func take() -> [Acknowledgement] {
        defer { progress = [:] }
        var messages: [Acknowledgement] = []
        for collector in progress.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            let assets = progress[collector, default: [:]].sorted { $0.key < $1.key }
            var start = 0
            while start < assets.count {
                let end = min(start + Self.maximumAssetsPerMessage, assets.count)
                messages.append(
                    Acknowledgement(
                        collector: collector,
                        assets: Dictionary(uniqueKeysWithValues: assets[start..<end].map { ($0.key, $0.value) })))
                start = end
            }
        }
        return messages
    }
}
