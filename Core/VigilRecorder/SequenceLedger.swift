import VigilDomain

/// Which readings of each collector's assets are stored: a contiguous watermark, plus the ranges
/// stored above it while something below them is missing. Pure, so the watermark and gap rules
/// are tested without a database.
///
/// The watermark starts at 0 for an asset never seen: readings 1… are expected. A recorder whose
/// database was replaced therefore reports the old readings as a gap rather than assuming them
/// stored, because an acknowledgement is what lets a collector delete a reading for good.
struct SequenceLedger: Sendable, Equatable {
    struct Key: Hashable, Sendable {
        var collector: String
        var asset: String
    }

    struct Entry: Sendable, Equatable {
        var committed: UInt64 = 0
        /// Stored ranges above `committed + 1`.
        var above = SequenceRanges()

        var progress: Acknowledgement.Progress {
            var gaps: [ClosedRange<UInt64>] = []
            var next = committed + 1
            for range in above.ranges {
                gaps.append(next...range.lowerBound - 1)
                next = range.upperBound + 1
            }
            return Acknowledgement.Progress(committed: committed, latest: above.ranges.last?.upperBound, gaps: gaps)
        }

        /// Returns false when `seq` was already stored.
        mutating func record(_ seq: UInt64) -> Bool {
            guard seq > committed else { return false }
            guard seq == committed + 1 else { return above.insert(seq) }
            committed = seq
            if let first = above.ranges.first, first.lowerBound == committed + 1 {
                committed = first.upperBound
                _ = above.removeFirst()
            }
            return true
        }
    }

    private(set) var entries: [Key: Entry] = [:]

    /// Notes a stored reading; returns false when it was stored before.
    @discardableResult
    mutating func record(collector: String, asset: String, seq: UInt64) -> Bool {
        entries[Key(collector: collector, asset: asset), default: Entry()].record(seq)
    }

    func progress(collector: String, asset: String) -> Acknowledgement.Progress {
        (entries[Key(collector: collector, asset: asset)] ?? Entry()).progress
    }

    /// Missing ranges over every asset of one collector.
    func gapCount(collector: String) -> Int {
        entries.reduce(0) { total, entry in
            total + (entry.key.collector == collector ? entry.value.above.ranges.count : 0)
        }
    }

    /// The acknowledgement for `assets` of one collector.
    func acknowledgement(collector: TopicLevel, assets: some Sequence<String>) -> Acknowledgement {
        var progress: [String: Acknowledgement.Progress] = [:]
        for asset in assets { progress[asset] = self.progress(collector: collector.rawValue, asset: asset) }
        return Acknowledgement(collector: collector, assets: progress)
    }
}
