import Foundation
import VigilDomain
import VigilMQTT

/// The evaluator binary fed battery readings over the broker at QoS 1, as it runs on a site: its
/// CPU time per reading (MQTT receive, decode, every check, the baselines, the twin, the gate) and
/// its resident memory once every string has a twin and baselines.
enum EvaluatorBench {
    static func evaluatorCost(
        _ payloads: [(topic: String, payload: [UInt8])], binDirectory: String, work: String
    ) async throws -> (cpuPerReading: Double, residentKB: Int) {
        let (broker, brokerPort) = try RecorderBench.floodBroker(work: work, name: "evaluator")
        defer { stop(broker) }
        try "site: bench\nstatus_interval_s: 1\nevaluator: {}\n".write(
            toFile: "\(work)/evaluator.yaml", atomically: true, encoding: .utf8)
        let evaluator = try start(
            "\(binDirectory)/vigil-evaluator", ["--config", "\(work)/evaluator.yaml"], log: "\(work)/evaluator.log",
            environment: ["VIGIL_BROKER_PORT": String(brokerPort), "VIGIL_STATE_DIR": "\(work)/evaluator"])
        defer { stop(evaluator) }
        var configuration = MQTTConfiguration(clientID: "bench-evaluator-feed")
        configuration.port = brokerPort
        configuration.maxInflight = 1000
        let client = try MQTTClient(configuration: configuration)
        try await client.connect()
        try await client.subscribe("vigil/bench/status/evaluator")
        try await Task.sleep(for: .seconds(2))
        let cpuBefore = cpuSeconds(evaluator.processIdentifier)
        for (index, item) in payloads.enumerated() {
            try client.enqueue(MQTTMessage(topic: item.topic, payload: item.payload, qos: .atLeastOnce))
            if index % 1000 == 999 { try await Task.sleep(for: .microseconds(1)) }
        }
        let started = Date()
        for await message in client.messages {
            let status = try? PayloadCodec.decode(AgentStatus.self, from: message.payload)
            if (status?.counters["evaluated"] ?? 0) >= payloads.count { break }
            if Date().timeIntervalSince(started) > 120 { throw CocoaError(.fileReadUnknown) }
        }
        let cpu = cpuSeconds(evaluator.processIdentifier) - cpuBefore
        let resident = residentKB(evaluator.processIdentifier)
        await client.disconnect()
        return (cpu / Double(payloads.count), resident)
    }

    /// VmRSS from /proc, in kB.
    static func residentKB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
