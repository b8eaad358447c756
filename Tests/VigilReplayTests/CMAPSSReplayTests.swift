import Testing
import VigilDomain
import VigilReplay

@Suite struct CMAPSSReplayTests {
    /// Two engines as the file lists them: unit by unit. Unit 2 fails after two cycles.
    static let sample = """
        1 1 -0.0007 -0.0004 100.0 518.67 641.82 1589.70 1400.60 14.62 21.61 554.36 2388.06 9046.19 1.30 47.47 521.66 2388.02 8138.62 8.4195 0.03 392 2388 100.00 39.06 23.4190
        1 2 0.0019 -0.0003 100.0 518.67 642.15 1591.82 1403.14 14.62 21.61 553.75 2388.04 9044.07 1.30 47.49 522.28 2388.07 8131.49 8.4318 0.03 392 2388 100.00 39.00 23.4236
        1 3 -0.0043 0.0003 100.0 518.67 642.35 1587.99 1404.20 14.62 21.61 554.26 2388.08 9052.94 1.30 47.27 522.42 2388.03 8133.23 8.4178 0.03 390 2388 100.00 38.95 23.3442
        2 1 -0.0018 0.0006 100.0 518.67 641.89 1583.84 1391.28 14.62 21.61 554.53 2388.01 9054.72 1.30 47.50 522.16 2388.06 8139.62 8.3803 0.03 391 2388 100.00 39.13 23.3940
        2 2 0.0043 -0.0003 100.0 518.67 641.82 1587.05 1393.13 14.62 21.61 554.77 2387.98 9051.31 1.30 47.31 522.66 2388.03 8139.99 8.4109 0.03 392 2388 100.00 38.94 23.3867

        """

    /// The first row's values as the metric names say, read independently of the parser.
    static func expectedValues(_ line: Substring) -> [String: Double] {
        let numbers = line.split(separator: " ").map { Double($0)! }
        var values: [String: Double] = ["cycle": numbers[1]]
        for setting in 1...3 { values["op_setting_\(setting)"] = numbers[1 + setting] }
        for sensor in 1...21 { values[sensor < 10 ? "sensor_0\(sensor)" : "sensor_\(sensor)"] = numbers[4 + sensor] }
        return values
    }

    @Test func unitsBecomeAssetsInterleavedByCycle() throws {
        let source = try ReplayFixtures.cmapss(Self.sample)
        #expect(source.totalRecords == 5)
        let records = source.compactMap(\.record)
        #expect(
            records.map(\.asset.rawValue) == ["engine-001", "engine-002", "engine-001", "engine-002", "engine-001"])
        #expect(records.map { $0.values.scalars["cycle"] } == [1, 1, 2, 2, 3])
        #expect(records.map(\.line) == [1, 4, 2, 5, 3])
        #expect(records.allSatisfy { $0.kind == .turbofan && $0.values.scalars.count == 25 })
        let hour: Int64 = 3_600_000
        #expect(
            records.map { $0.ts.millisecondsSinceEpoch - ReplayFixtures.start.millisecondsSinceEpoch } == [
                hour, hour, 2 * hour, 2 * hour, 3 * hour,
            ])
        let firstLine = Self.sample.split(separator: "\n")[0]
        #expect(records[0].values.scalars == Self.expectedValues(firstLine))
        #expect(records[0].values.scalars["sensor_21"] == 23.4190)
        #expect(records[0].values.scalars["op_setting_3"] == 100)
        #expect(CMAPSSReplay.metrics.count == 25)
        #expect(Set(CMAPSSReplay.metrics) == Set(records[0].values.scalars.keys))
    }

    @Test func prefixKindAndCycleLengthAreConfigurable() throws {
        let replay = CMAPSSReplay(
            path: "s.txt", assetPrefix: "hpc", kind: .generic, cycleSeconds: 0.25, start: ReplayFixtures.start)
        let source = try ReplaySource.cmapss(replay, contents: Array(Self.sample.utf8))
        let records = source.compactMap(\.record)
        #expect(records.first?.asset.rawValue == "hpc-001")
        #expect(records.first?.kind == .generic)
        #expect(records.last?.ts == ReplayFixtures.start.adding(milliseconds: 750))
        let big = try ReplayFixtures.cmapss(Self.sample.replacingFirstUnit(with: "1234"))
        #expect(big.compactMap(\.record).map(\.asset.rawValue).contains("engine-1234"))
    }

    @Test func badConfigurationsAreRefused() {
        for seconds in [0, 0.0001, -1, .nan, .infinity] {
            let error = ReplayFixtures.configurationError { () throws(ReplayError) in
                try ReplayFixtures.cmapss(Self.sample, cycleSeconds: seconds)
            }
            #expect(error?.reason.hasPrefix("cycle length") == true, "\(seconds)")
        }
        let replay = CMAPSSReplay(path: "s.txt", assetPrefix: "engine/1", start: ReplayFixtures.start)
        let error = ReplayFixtures.configurationError { () throws(ReplayError) in
            try ReplaySource.cmapss(replay, contents: [])
        }
        #expect(error?.reason == "asset prefix: contains '/'; only A-Z a-z 0-9 _ . - are allowed")
        let missing = CMAPSSReplay(path: "/nonexistent/train.txt", start: ReplayFixtures.start)
        #expect(
            ReplayFixtures.configurationError { () throws(ReplayError) in try ReplaySource.cmapss(missing) }?.line == 0)
    }

    @Test func damagedRowsAreRefusedAndTheFleetGoesOn() throws {
        var lines = Self.sample.split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "1591.82", with: "15x1.82")  // unit 1 cycle 2, sensor_03
        lines[2] = String(lines[2].split(separator: " ").dropLast().joined(separator: " "))  // 25 columns
        lines.append("one 4 0 0 100 1")  // no unit: no place in the order
        lines.append(lines[3])  // unit 2 cycle 1 again
        let source = try ReplayFixtures.cmapss(lines.joined(separator: "\r\n"))
        #expect(source.totalRecords == 7)
        let items = Array(source)
        #expect(items.count == 7)
        #expect(
            items[0].error
                == ReplayError(
                    file: "sample.txt", line: 6, column: "unit", reason: "is not a positive whole number: \"one\""))
        #expect(items.compactMap(\.record).map(\.line) == [1, 4, 5])
        let errors = items.compactMap(\.error)
        #expect(errors.map(\.line) == [6, 7, 2, 3])
        #expect(errors[1].reason == "repeats cycle 1 of unit 2 from line 4")
        #expect(errors[2].column == "sensor_03")
        #expect(errors[2].reason == "is not a number: \"15x1.82\"")
        #expect(errors[3].reason == "has 25 columns; C-MAPSS rows have 26")
    }

    @Test func theFD001TrainingSetReplaysAsAFleetOfOneHundredEngines() throws {
        let path = ReplayFixtures.datasets + "/cmapss/train_FD001.txt"
        let source: ReplaySource
        do {
            source = try ReplaySource.cmapss(CMAPSSReplay(path: path, start: ReplayFixtures.start))
        } catch {
            Issue.record("the shared C-MAPSS data set must be at \(path) (../shared from the repository): \(error)")
            return
        }
        #expect(source.totalRecords == 20_631)
        let items = Array(source)
        #expect(items.count == 20_631)
        #expect(items.compactMap(\.error) == [])
        let records = items.compactMap(\.record)
        var cycles: [String: Int] = [:]
        for record in records { cycles[record.asset.rawValue, default: 0] += 1 }
        #expect(cycles.count == 100)
        #expect(cycles["engine-001"] == 192)
        #expect(cycles["engine-100"] == 200)

        // Fleet order: cycle 1 of every engine, in unit order, then cycle 2, …; time never goes back.
        let fleet: [String] = (1...100).map { unit in "engine-" + String(1000 + unit).dropFirst() }
        #expect(records.prefix(100).map(\.asset.rawValue) == fleet)
        #expect(records.prefix(100).allSatisfy { $0.values.scalars["cycle"] == 1 })
        #expect(records[100].asset.rawValue == "engine-001" && records[100].values.scalars["cycle"] == 2)
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.ts <= $1.ts })
        #expect(records.last?.asset.rawValue == "engine-069")
        #expect(records.last?.values.scalars["cycle"] == 362)
        #expect(records.last?.ts == ReplayFixtures.start.adding(milliseconds: 362 * 3_600_000))

        let first = try #require(records.first)
        let firstLine =
            "1 1 -0.0007 -0.0004 100.0 518.67 641.82 1589.70 1400.60 14.62 21.61 554.36 2388.06 9046.19 "
            + "1.30 47.47 521.66 2388.02 8138.62 8.4195 0.03 392 2388 100.00 39.06 23.4190"
        #expect(first.line == 1)
        #expect(first.ts == ReplayFixtures.start.adding(milliseconds: 3_600_000))
        #expect(first.values.scalars == Self.expectedValues(Substring(firstLine)))
    }
}

extension String {
    /// Replaces every whole occurrence, without Foundation.
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// The sample with unit 1 renamed, for the zero-padding of wide unit numbers.
    fileprivate func replacingFirstUnit(with unit: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("1 ") ? unit + line.dropFirst(1) : String(line)
        }.joined(separator: "\n")
    }
}
