public import VigilDomain

/// Decides how long to wait before publishing each replayed record, so a day of recorded data
/// can be replayed in a day, in a few minutes, or as fast as the broker takes it.
///
/// A pure value: the caller passes the current instant and does the sleeping, so the arithmetic
/// is tested without clocks. The schedule is anchored on the first record and the instant it was
/// asked about; every later record is due at `anchor + (record time − first record time) / speed`.
/// Anchoring (rather than waiting each gap in turn) keeps the replay from drifting by the time spent
/// publishing, and a caller that fell behind gets zero delays until it has caught up.
public struct ReplayPacer: Sendable {
    public enum Rate: Sendable, Equatable {
        /// No waiting at all: a benchmark, or a back-fill of history.
        case asFastAsPossible
        /// Recorded time passes as fast as wall time.
        case realTime
        /// Recorded time passes this many times faster than wall time (0.5 is half speed); a
        /// multiple that is not a positive finite number means no waiting, as `asFastAsPossible`.
        case multiple(Double)
    }

    public let rate: Rate
    private var anchor: (record: Timestamp, wall: ContinuousClock.Instant)?

    public init(rate: Rate) {
        self.rate = rate
    }

    /// How long to wait, from `now`, before publishing the record stamped `recordTime`; zero for
    /// the first record, for one already overdue, and for one stamped before the first.
    public mutating func delay(before recordTime: Timestamp, now: ContinuousClock.Instant) -> Duration {
        let speed: Double
        switch rate {
        case .asFastAsPossible: return .zero
        case .realTime: speed = 1
        case .multiple(let factor):
            guard factor.isFinite, factor > 0 else { return .zero }
            speed = factor
        }
        guard let anchor else {
            anchor = (recordTime, now)
            return .zero
        }
        let recorded = Duration.milliseconds(recordTime.millisecondsSinceEpoch - anchor.record.millisecondsSinceEpoch)
        let due = anchor.wall.advanced(by: speed == 1 ? recorded : recorded / speed)
        let wait = now.duration(to: due)
        return wait > .zero ? wait : .zero
    }
}
