/// Per-asset `seq` for readings: strictly increasing, contiguous, continuing from the last number
/// the outbox committed. Contiguous matters: the recorder's watermark counts only unbroken runs,
/// so a skipped number would look like a lost reading forever.
public struct SequenceNumbers: Sendable {
    private var last: [String: UInt64]

    public init(last: [String: UInt64]) { self.last = last }

    public mutating func next(_ asset: String) -> UInt64 {
        let value = (last[asset] ?? 0) + 1
        last[asset] = value
        return value
    }
}
