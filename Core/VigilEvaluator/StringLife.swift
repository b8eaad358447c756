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
        let days = time.map { Double(now - $0) / 86_400_000 } ?? 0
        time = now
        if jars.count < health.count { jars += Array(repeating: nil, count: health.count - jars.count) }
        var completed = false
        for index in health.indices {
            guard let soh = health[index], let baseline = baselines[index] else { continue }
            var jar = jars[index] ?? Jar(baseline: baseline)
            if jar.baseline != baseline { jar = Jar(baseline: baseline) }
            let celsius = temperatures.indices.contains(index) ? temperatures[index] ?? 25 : 25
            // A gap (agent stopped) still aged the jar, at about the temperature it has now.
            if days > 0 && days < 3650 { jar.axis += days * Self.ageing(celsius: celsius) }
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
}
