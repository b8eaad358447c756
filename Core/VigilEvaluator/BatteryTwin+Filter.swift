#if canImport(Glibc)
    import Glibc
#endif

extension BatteryTwin {
    /// One reading of the string. Times are milliseconds; the current is positive on discharge.
    ///
    /// Returns nil when the reading cannot drive the twin (no current, or a jar without voltage).
    mutating func step(
        time now: Int64, current: Double?, voltages: [Double?], temperatures: [Double?], resistances: [Double?],
        parameters: Parameters
    ) -> Step? {
        guard let current, current.isFinite, !voltages.isEmpty else { return nil }
        var measured: [Double] = []
        for voltage in voltages {
            guard let voltage, voltage.isFinite else { return nil }
            measured.append(voltage)
        }
        let celsius = (0..<measured.count).map { temperatures.indices.contains($0) ? temperatures[$0] ?? 25 : 25 }
        let r0 = (0..<measured.count).map { index -> Double in
            guard resistances.indices.contains(index), let milliohm = resistances[index], milliohm > 0 else {
                return parameters.r0
            }
            return milliohm / 1000
        }
        // A reading again or out of order (a redelivery, a clock stepped back) says nothing new and
        // must not throw a discharge in progress away.
        if let time, now <= time { return nil }
        let dt = time.map { Double(now - $0) / 1000 } ?? -1
        defer { time = now }
        guard jars.count == measured.count, dt <= Self.maximumGap, time != nil else {
            jars = (0..<measured.count).map { index in
                Self.floats(measured[index], celsius[index])
                    ? Jar(soc: 1, p: [1e-4, 0, 0, 1e-4])
                    : Jar(
                        soc: OpenCircuitVoltage.soc(
                            volts: measured[index] + current * r0[index], celsius: celsius[index]))
            }
            // A discharge cut short by the gap still happened: what was seen of it is kept, and
            // the recharge that follows is known for what it is.
            if let event = discharge {
                last = Summary(
                    ended: now, seconds: event.seconds, ampereHours: event.ampereHours,
                    socDrop: max(0, event.startSOC - (jars.map(\.soc).min() ?? 1)), capacity: nil)
                discharge = nil
            }
            return Step(soc: jars.map(\.soc), expected: measured.map { _ in nil }, runtimeMinutes: nil)
        }
        let discharging = current >= VRLAString.restCurrent
        let charging = current <= -VRLAString.restCurrent
        let before = jars.map(\.soc).min() ?? 1
        // Charge leaves at the Peukert-equivalent current and returns at the coulombic efficiency.
        let tenHour = parameters.capacity / 10
        let equivalent =
            discharging
            ? tenHour * pow(current / tenHour, parameters.peukert)
            : charging ? parameters.chargeEfficiency * current : current
        let drawn = equivalent * dt / 3600 / parameters.capacity
        let decay = exp(-dt / (parameters.r1 * parameters.c1))
        var expected: [Double?] = []
        for index in jars.indices {
            var jar = jars[index]
            // Predict.
            jar.soc = min(1, max(0, jar.soc - drawn))
            jar.v1 = decay * jar.v1 + parameters.r1 * (1 - decay) * current
            let q = (0.1 * drawn) * (0.1 * drawn) + 1e-8 * dt
            jar.p = [
                jar.p[0] + q, jar.p[1] * decay, jar.p[2] * decay,
                decay * decay * jar.p[3] + 4e-6 * dt / 60,
            ]
            let voltage = measured[index]
            if !discharging && !charging && Self.floats(voltage, celsius[index]) {
                // On the charger at float: full, whatever the count said.
                jar = Jar(soc: 1, v1: jar.v1, p: [1e-4, 0, 0, jar.p[3]])
                expected.append(nil)
            } else if charging {
                // Recharge overpotential is not in the model: count, do not correct.
                expected.append(nil)
            } else {
                let prediction =
                    OpenCircuitVoltage.volts(soc: jar.soc, celsius: celsius[index]) - current * r0[index] - jar.v1
                expected.append(prediction)
                Self.correct(&jar, innovation: voltage - prediction, slope: OpenCircuitVoltage.slope(soc: jar.soc))
            }
            jars[index] = jar
        }
        let weakest = jars.map(\.soc).min() ?? 1
        if discharging {
            var event = discharge ?? Discharge(started: now, startSOC: before)
            event.seconds += dt
            event.ampereHours += current * dt / 3600
            event.endSOC = weakest
            discharge = event
        } else if let event = discharge {
            // Measured at the last discharging reading: the charger's first reading says nothing of it.
            let drop = max(0, event.startSOC - (event.endSOC ?? weakest))
            // Only a discharge that drew real charge measures the capacity: in a short one the
            // voltage's first sag, which the model only half explains, would pass for emptying.
            let implied = Self.tenHourEquivalent(event, parameters) / max(drop, 1e-9)
            let deep =
                drop >= Self.shallowDischarge && event.ampereHours >= Self.shallowDischarge * parameters.capacity
                && (0.3...1.5).contains(implied / parameters.capacity)
            let summary = Summary(
                ended: now, seconds: event.seconds, ampereHours: event.ampereHours, socDrop: drop,
                capacity: deep ? implied : nil)
            last = summary
            if summary.capacity != nil { self.measured = summary }
            discharge = nil
        }
        let runtime =
            discharging && equivalent > 0 ? weakest * parameters.capacity / equivalent * 60 : nil
        return Step(soc: jars.map(\.soc), expected: expected, runtimeMinutes: runtime)
    }

    /// The jar sits above any rested voltage: it is on the charger at float.
    static func floats(_ volts: Double, _ celsius: Double) -> Bool {
        volts > OpenCircuitVoltage.volts(soc: 1, celsius: celsius) + 0.15
    }

    /// The ampere-hours a discharge would have drawn at the 10-hour rate: at its mean current,
    /// Peukert's law turns what it delivered into what it cost the jars.
    static func tenHourEquivalent(_ event: Discharge, _ parameters: Parameters) -> Double {
        guard event.seconds > 0 else { return 0 }
        let mean = event.ampereHours * 3600 / event.seconds
        let tenHour = parameters.capacity / 10
        return event.ampereHours * pow(mean / tenHour, parameters.peukert - 1)
    }

    /// The Kalman update for one jar: measurement `V = OCV(soc) − I·R0 − v1`, so H = (dOCV/dsoc, −1).
    private static func correct(_ jar: inout Jar, innovation: Double, slope: Double) {
        let h0 = slope
        let h1 = -1.0
        let ph0 = jar.p[0] * h0 + jar.p[1] * h1
        let ph1 = jar.p[2] * h0 + jar.p[3] * h1
        let s = h0 * ph0 + h1 * ph1 + voltageNoise * voltageNoise
        guard s > 0 else { return }
        let k0 = ph0 / s
        let k1 = ph1 / s
        jar.soc = min(1, max(0, jar.soc + k0 * innovation))
        jar.v1 += k1 * innovation
        // P = (I − K·H)·P
        let p = jar.p
        jar.p = [
            p[0] - k0 * (h0 * p[0] + h1 * p[2]), p[1] - k0 * (h0 * p[1] + h1 * p[3]),
            p[2] - k1 * (h0 * p[0] + h1 * p[2]), p[3] - k1 * (h0 * p[1] + h1 * p[3]),
        ]
    }
}
