import Foundation
import Testing
import VigilSimulator

@testable import VigilEvaluator

@Suite struct TrendTests {
    /// A jar whose state of health falls 0.1 % a day at 25 °C, read hourly for 30 days.
    static func life(days: Int = 30, noise: (Int) -> Double = { _ in 0 }, celsius: Double = 25) -> StringLife {
        var life = StringLife()
        for hour in 0...(days * 24) {
            let day = Double(hour) / 24
            _ = life.observe(
                time: Int64(hour) * 3_600_000, health: [1 - 0.001 * day + noise(hour)], baselines: [4.0],
                temperatures: [celsius])
        }
        return life
    }

    @Test func aLinearFadeReachesEightyPercentWhenTheLineSays() throws {
        // After 30 days the jar is at 97 %: 170 more days to 80 % (its resistance then +25 %).
        let remaining = try #require(Self.life().remainingLife(temperatures: [25]))
        #expect(remaining.jar == 1)
        #expect(abs(remaining.p50 - 170) < 1, "\(remaining)")
        // The model's own 10 % uncertainty: P10–P90 about ±13 % around it.
        #expect(remaining.p10 < 155 && remaining.p10 > 145 && remaining.p90 > 190 && remaining.p90 < 200)
    }

    @Test func aHotterRoomShortensTheLifeByTheArrheniusFactor() throws {
        let life = Self.life()
        let cool = try #require(life.remainingLife(temperatures: [25]))
        let hot = try #require(life.remainingLife(temperatures: [34]))
        // 9 °C hotter: ageing twice as fast, half the calendar days.
        #expect(abs(hot.p50 * 2 - cool.p50) < 0.01)
        // A jar that aged at 34 °C all along faded 0.1 %/day in calendar time, 0.05 % in ageing
        // time: at 34 °C it still has 170 days, but moved to 25 °C it would have 340.
        let aged = Self.life(celsius: 34)
        #expect(abs((aged.remainingLife(temperatures: [34])?.p50 ?? 0) - 170) < 1)
        #expect(abs((aged.remainingLife(temperatures: [25])?.p50 ?? 0) - 340) < 2)
    }

    @Test func intervalsWidenWithNoiseAndNarrowWithHistory() throws {
        // The trend alone (no model term), so only the data speak.
        func spread(_ days: Int, _ amplitude: Double) throws -> Double {
            var state: UInt64 = 12_345
            let life = Self.life(days: days) { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return amplitude * (Double(state >> 11) / Double(1 << 53) - 0.5)
            }
            let jar = try #require(life.jars[0])
            let times = try #require(jar.trend.timeTo(0.8, rising: false, now: jar.axis, cap: 1e9))
            return times.p90 - times.p10
        }
        let quiet = try spread(30, 0.01)
        let noisy = try spread(30, 0.04)
        let longer = try spread(90, 0.04)
        #expect(noisy > 2 * quiet, "quiet \(quiet), noisy \(noisy)")
        #expect(longer < noisy / 2, "30 days \(noisy), 90 days \(longer)")
    }

    @Test func aJarWithoutAWeekOfTrendHasNoForecastAndAReplacedJarStartsAgain() {
        #expect(Self.life(days: 5).remainingLife(temperatures: [25]) == nil)
        var life = Self.life()
        _ = life.observe(time: 31 * 86_400_000, health: [1], baselines: [3.9], temperatures: [25])
        #expect(life.jars[0]?.trend.points == 0)
        #expect(life.remainingLife(temperatures: [25]) == nil)
    }

    /// A fault whose share of the vibration doubles every 10 days over a machine's own 2 mm/s:
    /// from 1 mm/s of fault it reaches 7.1 mm/s overall (6.81 of fault) in 10 × log2(6.81) days.
    @Test func vibrationIsForecastFromTheFaultsExponentialShare() throws {
        var life = VibrationLife()
        for hour in 0..<(VibrationLife.learnCount) { _ = life.observe(time: Int64(hour) * 3_600_000, velocity: 2) }
        #expect(life.base == 2)
        let start = VibrationLife.learnCount
        var now: Int64 = 0
        for hour in start...(start + 14 * 24) {
            let day = Double(hour - start) / 24
            let fault = exp2(day / 10)
            now = Int64(hour) * 3_600_000
            _ = life.observe(time: now, velocity: (4 + fault * fault).squareRoot())
        }
        let forecast = try #require(life.timeTo(7.1, now: now))
        // Already 14 days in: the fault is 2^1.4 ≈ 2.64 mm/s, 10·log2(6.81/2.64) ≈ 13.7 days to go.
        let expected = 10 * log2((7.1 * 7.1 - 4).squareRoot() / exp2(1.4))
        #expect(abs(forecast.p50 - expected) < 0.5, "\(forecast) against \(expected)")
        #expect(forecast.p10 < forecast.p50 && forecast.p90 > forecast.p50)
    }

    /// A healthy machine's noise forecasts no end of life, however its trend happens to lean: a
    /// month of hourly two-sigma tests leans far enough for a short life on one machine in
    /// fourteen, which on a site with dozens of machines is a false alarm every month.
    @Test func aHealthyMachinesNoiseForecastsNoLifeWhicheverWayItLeans() {
        var random = SplitMix64(seed: 7)
        var forecast = 0
        for _ in 0..<300 {
            var life = VibrationLife()
            var given = false
            for hour in 0..<(30 * 24) {
                let now = Int64(hour) * 3_600_000
                // The simulator's healthy pump: 1.9 mm/s with 0.08 mm/s of noise.
                _ = life.observe(time: now, velocity: 1.9 + random.noise(0.08))
                if let time = life.timeTo(7.1, now: now), time.p50 < VibrationLife.capDays { given = true }
            }
            if given { forecast += 1 }
        }
        #expect(forecast == 0, "\(forecast) of 300 healthy machines given a remaining life")
    }
}
