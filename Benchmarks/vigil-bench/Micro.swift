import Foundation
import VigilDomain
import VigilEvaluator

/// Hot paths in process, on one core: no broker, no disk.
enum Micro {
    static func battery(small: Bool = false) throws -> Reading {
        var jars: [[String: Double]] = []
        for _ in 0..<(small ? 0 : 24) {
            jars.append(["voltage_v": 13.5, "temperature_c": 27.0, "resistance_mohm": 3.95])
        }
        let scalars =
            small
            ? [
                "flow_lps": 41.2, "suction_pressure_kpa": 118.6, "discharge_pressure_kpa": 341.5, "power_kw": 8.7,
                "speed_rpm": 1467, "motor_temperature_c": 48.1, "vibration_mm_s": 1.9,
            ]
            : ["string_voltage_v": 324.0, "string_current_a": 0.12, "ambient_temperature_c": 26.4]
        return Reading(
            site: try TopicLevel("bench"), asset: try TopicLevel(small ? "pump-1" : "str-1"),
            kind: small ? .pump : .vrlaString, seq: 1, ts: .now(), source: "modbus-tcp://127.0.0.1:502/unit/1",
            values: .init(scalars: scalars, jars: jars), collector: try TopicLevel("collector"))
    }

    /// Readings encoded to JSON and decoded back per second: what every agent pays per message.
    static func codecRoundTrips(count: Int, small: Bool = false) throws -> Double {
        var reading = try battery(small: small)
        let start = Date()
        var bytes = 0
        for index in 0..<count {
            reading.seq = UInt64(index)
            let payload = reading.encodedJSON()
            let decoded = try PayloadCodec.decode(Reading.self, from: payload)
            bytes += payload.count + Int(decoded.seq & 1)
        }
        precondition(bytes > 0)
        return Double(count) / Date().timeIntervalSince(start)
    }

    /// Jar readings per second through the evaluator's work for a battery reading: decode, judge
    /// (limits, baselines, the string's twin stepping once a second of reading time), encode.
    static func evaluatorJarReadings(count: Int) throws -> Double {
        let payload = try battery().encodedJSON()
        let evaluator = Evaluator()
        var state = EvaluatorState()
        var second: Int64 = 0
        func judge() -> Int {
            guard var decoded = try? PayloadCodec.decode(Reading.self, from: payload) else { return 0 }
            second += 1
            decoded.ts = decoded.ts.adding(milliseconds: second * 1000)
            decoded.seq = UInt64(second)
            guard case .evaluated(let evaluation) = evaluator.evaluate(decoded, state: &state) else { return 0 }
            return PayloadCodec.encode(evaluation).count
        }
        // Baselines learned first, as on a site that has run a while.
        for _ in 0..<100 { _ = judge() }
        let start = Date()
        var bytes = 0
        for _ in 0..<count { bytes += judge() }
        precondition(bytes > 0)
        return Double(count) * 24 / Date().timeIntervalSince(start)
    }
}
