import Testing

@testable import VigilRecorder

@Suite struct RollupBatchTests {
    typealias Metric = RecordRow.Metric

    /// The rollups keyed one metric at a time, the way the batch is meant to shortcut.
    func keyed(_ readings: [(asset: String, ts: Int64, metrics: [Metric])]) -> [Rollup.Key: Rollup] {
        var hourly: [Rollup.Key: Rollup] = [:]
        for reading in readings {
            let hour = Rollup.Period.hour.start(of: reading.ts)
            for metric in reading.metrics {
                hourly[
                    Rollup.Key(period: .hour, asset: reading.asset, metric: metric.name, start: hour), default: .init()
                ]
                .add(metric.value)
            }
        }
        var all = hourly
        for (key, rollup) in hourly {
            let day = Rollup.Key(
                period: .day, asset: key.asset, metric: key.metric, start: Rollup.Period.day.start(of: key.start))
            all[day, default: .init()].merge(rollup)
        }
        return all
    }

    func expectSame(_ actual: [Rollup.Key: Rollup], _ expected: [Rollup.Key: Rollup]) {
        #expect(actual.count == expected.count)
        for (key, rollup) in expected {
            guard let got = actual[key] else {
                Issue.record("missing \(key)")
                continue
            }
            #expect(got.count == rollup.count, "\(key)")
            #expect(abs(got.mean - rollup.mean) < 1e-9, "\(key)")
            #expect(abs(got.m2 - rollup.m2) < 1e-6, "\(key)")
            #expect(got.min == rollup.min && got.max == rollup.max, "\(key)")
        }
    }

    @Test func matchesPerMetricKeyingWhateverTheOrderOfMetrics() {
        var generator = SystemRandomNumberGenerator()
        var readings: [(asset: String, ts: Int64, metrics: [Metric])] = []
        let names = (1...30).map { "m\($0)" }
        let base: Int64 = 1_795_910_400_000
        for index in 0..<2000 {
            var chosen = names
            switch index % 5 {
            case 0: chosen.shuffle(using: &generator)
            case 1: chosen = Array(chosen.prefix(Int.random(in: 1...30, using: &generator)))
            case 2: chosen.append("late-\(index % 3)")
            default: break
            }
            readings.append(
                (
                    asset: "a\(index % 4)", ts: base + Int64(index) * 97_000,
                    metrics: chosen.map { Metric(name: $0, value: Double.random(in: -5...5, using: &generator)) }
                ))
        }
        var batch = RollupBatch()
        for reading in readings { batch.add(asset: reading.asset, ts: reading.ts, metrics: reading.metrics) }
        let expected = keyed(readings)
        let actual = batch.rollups()
        #expect(actual.keys.contains { $0.period == .day })
        expectSame(actual, expected)
    }

    @Test func mergedBatchesEqualOneBatchOfAllTheirReadings() {
        let base: Int64 = 1_795_910_400_000
        var readings: [(asset: String, ts: Int64, metrics: [Metric])] = []
        for index in 0..<600 {
            var names = ["flow", "head", "speed"]
            if index % 7 == 0 { names.reverse() }
            if index % 11 == 0 { names.append("late") }
            readings.append(
                (
                    asset: "a\(index % 3)", ts: base + Int64(index) * 41_000,
                    metrics: names.map { Metric(name: $0, value: Double(index % 13) + Double($0.count) / 10) }
                ))
        }
        var whole = RollupBatch()
        var merged = RollupBatch()
        for chunk in stride(from: 0, to: readings.count, by: 50) {
            var part = RollupBatch()
            for reading in readings[chunk..<chunk + 50] {
                whole.add(asset: reading.asset, ts: reading.ts, metrics: reading.metrics)
                part.add(asset: reading.asset, ts: reading.ts, metrics: reading.metrics)
            }
            merged.merge(part)
        }
        let expected = keyed(readings)
        let actual = merged.rollups()
        #expect(merged.count == expected.keys.filter { $0.period == .hour }.count)
        #expect(whole.count == merged.count)
        expectSame(actual, expected)
    }

    @Test func readingsWithoutMetricsAddNothing() {
        var batch = RollupBatch()
        batch.add(asset: "a", ts: 0, metrics: [])
        #expect(batch.isEmpty)
        #expect(batch.rollups().isEmpty)
    }
}

extension RollupBatch {
    /// All of the batch's rollups at once, to compare with rollups keyed one metric at a time.
    func rollups() -> [Rollup.Key: Rollup] {
        var rollups: [Rollup.Key: Rollup] = [:]
        forEachRollup { key, rollup in rollups[key] = rollup }
        return rollups
    }
}
