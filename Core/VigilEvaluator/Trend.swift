#if canImport(Glibc)
    import Glibc
#endif

/// A quantity's trend over time, as exponentially weighted least squares: six running sums, so a
/// trend costs the same after a day or after ten years, and old behaviour fades with `memory`.
///
/// Readings are averaged into one point per `interval` of time before they enter the fit: a jar
/// read every second says little more per hour than one averaged point, and independent points
/// are what the slope's standard error assumes.
///
/// Time may run faster than the clock (an ageing axis: a day at 34 °C counts as two at 25 °C),
/// so a trend learned in a hot summer still forecasts a cool winter correctly.
struct Trend: Codable, Sendable, Equatable {
    var sw = 0.0
    var sww = 0.0
    var st = 0.0
    var stt = 0.0
    var sy = 0.0
    var sty = 0.0
    var syy = 0.0
    var points = 0
    var last: Double?
    /// The point being averaged: its start, sum and count.
    var pendingStart: Double?
    var pendingSum = 0.0
    var pendingCount = 0

    struct Fit: Sendable, Equatable {
        var slope: Double
        var intercept: Double
        var slopeError: Double
    }

    /// Adds a reading at `time`; returns true when it completed a point (worth saving).
    @discardableResult
    mutating func add(time: Double, value: Double, interval: Double, memory: Double) -> Bool {
        // A reading stamped before what the fit has (a clock that read 1970 before NTP) would
        // enter at full weight and pin the line for months: refused.
        guard time.isFinite, value.isFinite, time >= (last ?? -.infinity),
            time >= (pendingStart ?? -.infinity) - interval
        else { return false }
        if let start = pendingStart, time - start >= interval, pendingCount > 0 {
            let midpoint = start + interval / 2
            commit(time: min(midpoint, time), value: pendingSum / Double(pendingCount), memory: memory)
            pendingStart = time
            pendingSum = value
            pendingCount = 1
            return true
        }
        if pendingStart == nil { pendingStart = time }
        pendingSum += value
        pendingCount += 1
        return false
    }

    private mutating func commit(time: Double, value: Double, memory: Double) {
        if let last, time > last {
            let decay = exp(-(time - last) / memory)
            sw *= decay
            sww *= decay * decay
            st *= decay
            stt *= decay
            sy *= decay
            sty *= decay
            syy *= decay
        }
        sw += 1
        sww += 1
        st += time
        stt += time * time
        sy += value
        sty += time * value
        syy += value * value
        points += 1
        last = max(last ?? time, time)
    }

    /// The weighted fit, or nil with fewer than `minimumPoints` points or no spread in time.
    func fit(minimumPoints: Int = 6) -> Fit? {
        guard points >= minimumPoints, sw > 0 else { return nil }
        let meanT = st / sw
        let meanY = sy / sw
        let sxx = stt - st * meanT
        guard sxx > 1e-12 else { return nil }
        let sxy = sty - st * meanY
        let slope = sxy / sxx
        let sse = max(0, (syy - sy * meanY) - slope * sxy)
        // Effective number of points under the weights: (Σw)² / Σw².
        let effective = sw * sw / max(sww, 1e-12)
        let variance = effective > 2.5 ? sse / (effective - 2) * (effective / sw) : .infinity
        return Fit(slope: slope, intercept: meanY - slope * meanT, slopeError: (variance / sxx).squareRoot())
    }

    /// Time from `now` until the fitted line reaches `threshold` from below (`rising`) or above:
    /// P10, P50, P90 from the slope's 10th and 90th percentiles (±1.2816 standard errors), each
    /// capped at `cap`; zero when the line is already past it. Nil without a fit.
    ///
    /// - Parameter modelError: the model's own relative uncertainty of the slope (1σ), added in
    ///   quadrature: a straight line through clean data is certain of itself, the world is not.
    func timeTo(_ threshold: Double, rising: Bool, now: Double, cap: Double, modelError: Double = 0) -> (
        p10: Double, p50: Double, p90: Double
    )? {
        guard let fit = fit() else { return nil }
        let current = fit.intercept + fit.slope * now
        let distance = threshold - current
        if rising ? distance <= 0 : distance >= 0 { return (0, 0, 0) }
        // A slope within two standard errors of flat is noise: no forecast worth stating.
        guard abs(fit.slope) >= 2 * fit.slopeError else { return (cap, cap, cap) }
        func time(_ slope: Double) -> Double {
            // Moving away from the threshold, or not at all: not within any horizon we can state.
            guard slope != 0, (slope > 0) == rising else { return cap }
            return min(cap, distance / slope)
        }
        let spread =
            1.2816 * (fit.slopeError * fit.slopeError + modelError * modelError * fit.slope * fit.slope).squareRoot()
        let toward = rising ? 1.0 : -1.0
        return (time(fit.slope + toward * spread), time(fit.slope), time(fit.slope - toward * spread))
    }

    /// The fitted value at `time`.
    func value(at time: Double) -> Double? { fit().map { $0.intercept + $0.slope * time } }
}
