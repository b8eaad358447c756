import VigilDomain
import VigilPrognostics
import VigilRuntime

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reading and writing what the RUL commands and the evaluator share: run-to-failure files, true
/// RUL files and model files, with errors that name the file.
enum RULFiles {
    /// Not a `ValidationError`: the command line was right, the file was not, so no usage text.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func failure(_ message: String) -> Failure { Failure(description: message) }

    static func text(_ path: String) throws -> String {
        do {
            return String(decoding: try FileSystem.read(path), as: UTF8.self)
        } catch {
            throw failure("cannot read \(path): \(error)")
        }
    }

    static func runToFailure(_ path: String) throws -> RunToFailureSet {
        do {
            return try RunToFailureSet(text: try text(path))
        } catch let error as PrognosticsError {
            throw failure("\(path): \(error)")
        }
    }

    /// A site's history as the recorder exports it, and when each asset failed.
    static func siteHistory(_ path: String, failures failuresPath: String, cycleSeconds: Double, excluded: Set<String>)
        throws -> RunToFailureSet
    {
        var samples: [RunToFailureSet.Sample] = []
        for (index, line) in try text(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.isEmpty || trimmed == "ts,asset,seq,quality,metric,value" { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 6 else {
                throw failure("\(path) line \(index + 1): expected ts,asset,seq,quality,metric,value")
            }
            guard let ts = Timestamp(rfc3339: String(fields[0])) else {
                throw failure("\(path) line \(index + 1): \"\(fields[0])\" is not an RFC 3339 time")
            }
            // Only what the collector read as good counts, as in the rollups.
            guard fields[3] == "good" else { continue }
            guard let value = Double(fields[5]), value.isFinite else {
                throw failure("\(path) line \(index + 1): \"\(fields[5])\" is not a number")
            }
            samples.append(
                .init(
                    asset: String(fields[1]), time: Double(ts.millisecondsSinceEpoch) / 1000, metric: String(fields[4]),
                    value: value))
        }
        var failures: [String: Double] = [:]
        for (index, line) in try text(failuresPath).split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
        {
            let fields = line.split(separator: ",").map {
                String(
                    $0.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }
                        .reversed())
            }
            if fields.allSatisfy(\.isEmpty) || fields.first == "asset" { continue }
            guard fields.count == 2, let ts = Timestamp(rfc3339: fields[1]) else {
                throw failure("\(failuresPath) line \(index + 1): expected asset,failed_at (RFC 3339)")
            }
            failures[fields[0]] = Double(ts.millisecondsSinceEpoch) / 1000
        }
        do {
            return try RunToFailureSet(
                samples: samples, failures: failures, cycleSeconds: cycleSeconds, excluded: excluded)
        } catch {
            throw failure("\(path): \(error)")
        }
    }

    static func truth(_ path: String) throws -> [Double] {
        var values: [Double] = []
        for (index, line) in try text(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let field = fields.first else { continue }
            guard let value = Double(field), value.isFinite, value >= 0 else {
                throw failure("\(path) line \(index + 1): \"\(field)\" is not a number of cycles")
            }
            values.append(value)
        }
        return values
    }

    /// Trains, telling the terminal how far it is.
    static func train(_ set: RunToFailureSet, features: WindowFeatures, options: RULModel.TrainingOptions) throws
        -> RULModel
    {
        do {
            return try RULModel.train(set, features: features, options: options) { print("  \($0)") }
        } catch {
            throw failure("\(error)")
        }
    }

    static func write(_ model: RULModel, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try FileSystem.writeAtomically(Array(try encoder.encode(model)), to: path)
        } catch {
            throw failure("cannot write \(path): \(error)")
        }
    }

    static func model(_ path: String) throws -> RULModel {
        let model: RULModel
        do {
            model = try JSONDecoder().decode(RULModel.self, from: Data(try FileSystem.read(path)))
        } catch {
            throw failure("\(path) is not a Vigil RUL model: \(error)")
        }
        guard model.format == RULModel.format else {
            throw failure("\(path) is a \(model.format) model; this build reads \(RULModel.format)")
        }
        if let problem = model.problem {
            throw failure("\(path) is not a usable model: \(problem)")
        }
        return model
    }

    static func format(_ value: Double) -> String { String((value * 1000).rounded() / 1000) }
}
