/// A set of sequence numbers kept as sorted, disjoint, non-adjacent ranges: what a stream of
/// mostly consecutive numbers costs to remember and to store is then a few ranges, not one row
/// per number.
struct SequenceRanges: Sendable, Equatable {
    private(set) var ranges: [ClosedRange<UInt64>] = []

    init() {}

    /// Parses `"1-5,9-9"`, as ``text`` writes it; malformed parts are skipped.
    init(text: String) {
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { UInt64($0) }
            if bounds.count == 2, bounds[0] <= bounds[1] { ranges.append(bounds[0]...bounds[1]) }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
    }

    var text: String { ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",") }

    var isEmpty: Bool { ranges.isEmpty }

    /// Returns false when `seq` was already in the set.
    @discardableResult
    mutating func insert(_ seq: UInt64) -> Bool {
        // Most numbers extend the last range.
        if let last = ranges.last, seq > last.upperBound {
            if seq == last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...seq
            } else {
                ranges.append(seq...seq)
            }
            return true
        }
        // The first range that ends at or after seq - 1.
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound + 1 < seq { low = middle + 1 } else { high = middle }
        }
        if low < ranges.count && ranges[low].contains(seq) { return false }
        let joinsBelow = low < ranges.count && ranges[low].upperBound + 1 == seq
        let joinsAbove =
            joinsBelow
            ? (low + 1 < ranges.count && ranges[low + 1].lowerBound == seq + 1)
            : (low < ranges.count && ranges[low].lowerBound == seq + 1)
        switch (joinsBelow, joinsAbove) {
        case (true, true):
            ranges[low] = ranges[low].lowerBound...ranges[low + 1].upperBound
            ranges.remove(at: low + 1)
        case (true, false):
            ranges[low] = ranges[low].lowerBound...seq
        case (false, true):
            ranges[low] = seq...ranges[low].upperBound
        case (false, false):
            ranges.insert(seq...seq, at: low)
        }
        return true
    }

    /// Removes and returns the lowest range.
    mutating func removeFirst() -> ClosedRange<UInt64>? {
        ranges.isEmpty ? nil : ranges.removeFirst()
    }
}
