#if canImport(Glibc)
    import Glibc
#endif

/// Each jar's state of health over its life and when it will reach end of life (80 %, IEEE 1188).
///
/// State of health is read from resistance: a VRLA jar's ohmic resistance grows as its capacity
/// fades (R ≈ R₀ / SOH, the relation behind the +20 % / +50 % rules), so SOH ≈ baseline / now,
/// taking the jar as 100 % when its baseline was learned. Its trend is fitted against ageing
/// time rather than the clock: lead-acid corrosion doubles every 9 °C above 25 °C (Arrhenius, as
/// Eurobat and IEEE 1187 quote 8–10 °C), so a day at 34 °C counts as two. The remaining ageing
/// time is turned back into calendar days at the jar's present temperature, so a hotter room
/// shortens the forecast by exactly the Arrhenius factor.
struct StringLife: Codable, Sendable, Equatable {
    struct Jar: Codable, Sendable, Equatable {
        var trend = Trend()
        /// Ageing days since the trend began.
        var axis = 0.0
        /// The resistance baseline the trend is relative to; a new one (a replaced jar) restarts it.
        var baseline: Double
    }

    var jars: [Jar?] = []
    var time: Int64?
    /// The hottest jar's excess heat (its rise over the room beyond its usual rise), in log, hour
    /// by hour with half a day's memory: runaway heat feeds itself, so it grows exponentially or
    /// faster, and a straight line through the rise itself would see it coming far too late (on
    /// the simulator's runaway, 297 h forecast for 12 h taken; this: 11 h, 8–18). A day's memory
    /// said 45 h, a quarter day 4 h.
    var heat: Trend?
    var heatLearning: [Double]?
    /// The string's usual hottest rise over the room: the median of its first readings.
    var heatBase: Double?

    static let heatMemory = 0.5
    static let heatMinimumPoints = 6
    /// Excess below this is noise; the floor keeps a healthy string's log flat.
    static let heatFloor = 0.3

    static let endOfLife = 0.8
    static let doublingCelsius = 9.0
    /// One trend point an ageing hour; the fit forgets with a one-year time constant.
    static let interval = 1.0 / 24
    static let memory = 365.0
    /// Forecasts beyond this are "not within any horizon we can state".
    static let capDays = 20 * 365.0
    /// A trend needs a week of points before it forecasts anything: a few hours of noise can slope
    /// any way.
    static let minimumPoints = 7 * 24
    /// What a fit through the jar's own points cannot know: how closely resistance tracks capacity
    /// in this jar model, and the Arrhenius constant (8–10 °C). 10 % of the ageing rate, 1σ, so
    /// P10–P90 is at least about ±13 % of the remaining life.
    static let modelError = 0.10

    static func ageing(celsius: Double) -> Double { exp2((celsius - 25) / doublingCelsius) }

    /// Learns from one reading. Returns true when a trend point was completed (worth saving).
    mutating func observe(time now: Int64, health: [Double?], baselines: [Double?], temperatures: [Double?])
        -> Bool
    {
        // Out of order or again: nothing has aged.
        if let time, now <= time { return false }
        let days = time.map { Double(now - $0) / 86_400_000 } ?? 0
        time = now
        if jars.count < health.count { jars += Array(repeating: nil, count: health.count - jars.count) }
        var completed = false
        for index in health.indices {
            let celsius = temperatures.indices.contains(index) ? temperatures[index] ?? 25 : 25
            // Every jar ages with every reading, whether or not this one carried its resistance (a
            // monitor may measure resistance hourly and voltage every minute); a gap (the agent
            // stopped) aged it too, at about the temperature it has now.
            if days > 0 && days < 3650, var aged = jars[index] {
                aged.axis += days * Self.ageing(celsius: celsius)
                jars[index] = aged
            }
            guard let soh = health[index], let baseline = baselines[index] else { continue }
            var jar = jars[index] ?? Jar(baseline: baseline)
            if jar.baseline != baseline { jar = Jar(baseline: baseline) }
            if jar.trend.add(time: jar.axis, value: soh, interval: Self.interval, memory: Self.memory) {
                completed = true
            }
            jars[index] = jar
        }
        return completed
    }

    /// The jar that reaches end of life first, with P10/P50/P90 calendar days to it at its present
    /// temperature; nil until some jar has a week of trend.
    ///
    /// - Parameter threshold: the state of health to reach; 80 % by default, 1/1.2 for the jar's
    ///   resistance to reach +20 % of its baseline.
    func remainingLife(temperatures: [Double?], threshold: Double = endOfLife) -> (
        jar: Int, p10: Double, p50: Double, p90: Double
    )? {
        var soonest: (jar: Int, p10: Double, p50: Double, p90: Double)?
        for (index, jar) in jars.enumerated() {
            guard let jar, jar.trend.points >= Self.minimumPoints,
                let axis = jar.trend.timeTo(
                    threshold, rising: false, now: jar.axis, cap: .infinity, modelError: Self.modelError)
            else { continue }
            let celsius = temperatures.indices.contains(index) ? temperatures[index] ?? 25 : 25
            let rate = Self.ageing(celsius: celsius)
            func calendar(_ ageingDays: Double) -> Double { min(Self.capDays, ageingDays / rate) }
            let life = (jar: index + 1, p10: calendar(axis.p10), p50: calendar(axis.p50), p90: calendar(axis.p90))
            if soonest == nil || life.p50 < soonest!.p50 { soonest = life }
        }
        return soonest
    }

    /// Adds the hottest jar's rise over the room at `now`.
    mutating func observeHeat(time now: Int64, rise: Double) -> Bool {
        guard rise.isFinite else { return false }
        guard let base = heatBase else {
            var learning = heatLearning ?? []
            learning.append(rise)
            if learning.count >= 30 {
                heatBase = ResistanceBaselines.median(learning)
                heatLearning = nil
            } else {
                heatLearning = learning
            }
            return false
        }
        var trend = heat ?? Trend()
        defer { heat = trend }
        return trend.add(
            time: Double(now) / 86_400_000, value: log(max(Self.heatFloor, rise - base)), interval: Self.interval,
            memory: Self.heatMemory)
    }

    /// Days until the hottest jar is `limit` kelvin over the room; nil without half a day of
    /// trend or when it is not rising.
    func heatTime(to limit: Double, now: Int64) -> (p10: Double, p50: Double, p90: Double)? {
        guard let heat, let base = heatBase, limit - base > Self.heatFloor, heat.points >= Self.heatMinimumPoints,
            let time = heat.timeTo(
                log(limit - base), rising: true, now: Double(now) / 86_400_000, cap: Self.capDays, modelError: 0.2),
            time.p50 < Self.capDays
        else { return nil }
        return time
    }
}
