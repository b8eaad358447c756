#if canImport(Glibc)
    import Glibc
#endif

/// How fast a chiller's condenser fouls, and when its approach at full load reaches the limit
/// at which tubes must be cleaned.
///
/// The approach depends on the load, but the condenser's number of transfer units does not:
/// for a condensing refrigerant, approach = rise / (e^NTU − 1), so NTU = ln(1 + rise / approach)
/// from the water's rise and the approach, both measured. NTU = UA / (ṁ·c), and fouling adds a
/// resistance in series, so 1/NTU grows linearly with the fouling: that is what is trended. The
/// limit is the approach at the largest water rise seen (the nearest thing to full load a site
/// shows, or the datasheet's), `limit` kelvin by default 5 K.
struct ChillerLife: Codable, Sendable, Equatable {
    var trend = Trend()
    /// The largest hourly-mean condenser water rise seen, K.
    var fullLoadRise = 0.0
    var riseSum = 0.0
    var riseCount = 0
    var riseStart: Int64?

    static let interval = 1.0 / 24
    /// Fouling starts with a change (a failed dosing pump, a dirty summer), not at commissioning:
    /// two weeks' memory follow the present rate instead of averaging it with clean years.
    static let memory = 14.0
    static let minimumPoints = 7 * 24
    static let capDays = 20 * 365.0
    /// Fouling rates vary with water treatment and season; 15 % of the rate, 1σ.
    static let modelError = 0.15

    /// Learns from one reading; true when a trend point was completed.
    mutating func observe(time: Int64, rise: Double, approach: Double) -> Bool {
        guard rise > 0.5, approach > 0.05, rise.isFinite, approach.isFinite else { return false }
        if let start = riseStart, time - start >= 3_600_000, riseCount > 0 {
            fullLoadRise = max(fullLoadRise, riseSum / Double(riseCount))
            riseStart = time
            riseSum = 0
            riseCount = 0
        }
        if riseStart == nil { riseStart = time }
        riseSum += rise
        riseCount += 1
        let fouling = 1 / log(1 + rise / approach)
        return trend.add(time: Double(time) / 86_400_000, value: fouling, interval: Self.interval, memory: Self.memory)
    }

    /// P10/P50/P90 days until the approach at full load reaches `limit`; nil without a week of
    /// trend or a full-load rise.
    ///
    /// - Parameter designRise: the condenser water rise at full load from the datasheet (AHRI
    ///   rating conditions: 10 °F, 5.56 K); a larger rise seen on site wins.
    func remainingLife(limit: Double, designRise: Double, now: Int64) -> (p10: Double, p50: Double, p90: Double)? {
        guard trend.points >= Self.minimumPoints else { return nil }
        let threshold = 1 / log(1 + max(designRise, fullLoadRise) / limit)
        return trend.timeTo(
            threshold, rising: true, now: Double(now) / 86_400_000, cap: Self.capDays, modelError: Self.modelError)
    }
}
