/// One utility outage: from `start` (simulated seconds) for `duration` seconds, the UPS draws a
/// constant power from each string equal to `cRate` × C10 at a nominal 12.0 V per jar, so the
/// current starts a little below `cRate` × 120 A and climbs as the voltage falls (a UPS inverter is
/// a constant-power load).
public struct Outage: Sendable, Equatable, Hashable {
    public var start: Double
    public var duration: Double
    /// Discharge rate as a fraction of C10 per hour: 0.1 (C/10) … 0.25 (C/4) are typical.
    public var cRate: Double

    public init(start: Double, duration: Double, cRate: Double) {
        self.start = start
        self.duration = duration
        self.cRate = cRate
    }

    public var end: Double { start + duration }
}
