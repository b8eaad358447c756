#if canImport(Glibc)
    import Glibc
#endif

/// When a machine's overall vibration will reach a level, from the trend of its fault's share.
///
/// Overall vibration adds its sources in quadrature: a healthy machine's own level and what a
/// fault adds. Bearing defects and deposits grow on themselves (a spall widens with every pass),
/// so the fault's share, √(v² − v₀²) over the machine's own learned level v₀, grows
/// exponentially and its logarithm in a straight line; the overall level would hide that
/// acceleration behind v₀ until late. A two-week memory follows a fault that starts mid-life
/// instead of averaging it with the healthy years before.
struct VibrationLife: Codable, Sendable, Equatable {
    var trend = Trend()
    var learning: [Double] = []
    /// The machine's own level: the median of its first readings.
    var base: Double?

    static let learnCount = 30
    static let interval = 1.0 / 24
    static let memory = 14.0
    static let minimumPoints = 7 * 24
    static let capDays = 20 * 365.0
    /// Defect growth is anything but regular: 20 % of the rate, 1σ.
    static let modelError = 0.20
    /// How far above its own level a machine's fitted vibration must have risen before its trend
    /// is a fault's and not its noise's: 5 %, about the scatter of one steady reading. On the
    /// simulated bearing it moves the first `rul_short` from 39 to 33 days before the failure and
    /// drops ten days of forecast, none of which had the truth inside P10–P90.
    static let risen = 1.05

    /// The fault's share of `velocity`, floored at 5 % of the machine's own level so a healthy
    /// machine's noise is a flat line, not a logarithm of zero.
    func excess(_ velocity: Double, base: Double) -> Double {
        max(0.05 * base, (max(0, velocity * velocity - base * base)).squareRoot())
    }

    mutating func observe(time: Int64, velocity: Double) -> Bool {
        guard velocity > 0.01, velocity.isFinite else { return false }
        guard let base else {
            learning.append(velocity)
            if learning.count >= Self.learnCount {
                base = ResistanceBaselines.median(learning)
                learning = []
            }
            return false
        }
        return trend.add(
            time: Double(time) / 86_400_000, value: log(excess(velocity, base: base)), interval: Self.interval,
            memory: Self.memory)
    }

    /// P10/P50/P90 days until the vibration reaches `level` mm/s; nil without a week of trend or
    /// while the fitted level is still within 5 % of the machine's own.
    ///
    /// A healthy machine's fault share is noise on the 5 % floor, and a line through that noise,
    /// looked at hourly for a month, leans two standard errors upward often enough to announce a
    /// short life on one healthy machine in fourteen (it did, on CI); the level gate stops that.
    func timeTo(_ level: Double, now: Int64) -> (p10: Double, p50: Double, p90: Double)? {
        guard trend.points >= Self.minimumPoints, let base, level > base,
            let current = trend.value(at: Double(now) / 86_400_000),
            current >= log(excess(Self.risen * base, base: base))
        else { return nil }
        return trend.timeTo(
            log(excess(level, base: base)), rising: true, now: Double(now) / 86_400_000, cap: Self.capDays,
            modelError: Self.modelError)
    }
}
