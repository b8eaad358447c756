import Testing

@testable import VigilPrognostics

/// A site's recorded history becomes run-to-failure units: readings averaged into cycles, up to
/// each asset's failure, on the metrics every failed asset reports.
@Suite struct SiteHistoryTests {
    typealias Sample = RunToFailureSet.Sample

    @Test func readingsAreAveragedIntoCyclesUpToTheFailure() throws {
        let day = 86_400.0
        var samples: [Sample] = []
        for hour in 0..<72 {
            let time = Double(hour) * 3600
            samples.append(Sample(asset: "pump-1", time: time, metric: "vibration_mm_s", value: Double(hour / 24) + 1))
            samples.append(Sample(asset: "pump-1", time: time, metric: "run_hours", value: Double(hour)))
            // Only pump-1 has a pressure sensor: not a column.
            samples.append(Sample(asset: "pump-1", time: time, metric: "pressure_bar", value: 3))
            if hour % 12 == 0 {
                samples.append(Sample(asset: "pump-1", time: time, metric: "temperature_c", value: 50 + Double(hour)))
            }
            samples.append(Sample(asset: "pump-2", time: 1e6 + time, metric: "vibration_mm_s", value: 2))
            samples.append(Sample(asset: "pump-2", time: 1e6 + time, metric: "temperature_c", value: 40))
            // Not a failed asset: ignored.
            samples.append(Sample(asset: "pump-3", time: time, metric: "vibration_mm_s", value: 9))
        }
        // pump-1 failed during its third day; what it reported after is not its life.
        samples.append(Sample(asset: "pump-1", time: 2.9 * day, metric: "vibration_mm_s", value: 99))
        let set = try RunToFailureSet(
            samples: samples, failures: ["pump-1": 2.5 * day, "pump-2": 1e6 + 1.5 * day], cycleSeconds: day,
            excluded: ["run_hours"])
        #expect(set.metrics == ["temperature_c", "vibration_mm_s"])
        #expect(set.units.count == 2)
        let first = set.units[0].sensors
        #expect(first.count == 3, "days 0, 1 and the failure day 2")
        #expect(first[0] == [56, 1])  // temperature at hours 0 and 12: mean 56
        #expect(first[2][1] == 3, "day 2 only up to the failure at 60 h: no 99")
        #expect(set.units[1].sensors == [[40, 2], [40, 2]])
        #expect(set.informativeColumns == [1, 2])
    }

    @Test func aFailedAssetWithoutHistoryIsNamed() {
        #expect(throws: PrognosticsError.self) {
            try RunToFailureSet(
                samples: [Sample(asset: "pump-1", time: 0, metric: "v", value: 1)],
                failures: ["pump-1": 86_400 * 3, "pump-9": 10], cycleSeconds: 86_400)
        }
        do {
            _ = try RunToFailureSet(samples: [], failures: ["pump-9": 10], cycleSeconds: 86_400)
        } catch {
            #expect(error.description.contains("pump-9"))
        }
    }
}
