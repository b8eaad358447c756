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
        try await agentCost("evaluator", counter: "evaluated", payloads, binDirectory: binDirectory, work: work)
    }

    /// One agent binary with its default configuration, fed `payloads` at QoS 1 through a private
    /// broker: its CPU time per message until its status `counter` has counted them all, and its
    /// resident memory at the end.
    static func agentCost(
        _ agent: String, counter: String, _ payloads: [(topic: String, payload: [UInt8])], binDirectory: String,
        work: String
    ) async throws -> (cpuPerReading: Double, residentKB: Int) {
        let (broker, brokerPort) = try RecorderBench.floodBroker(work: work, name: agent)
        defer { stop(broker) }
        try "site: bench\nstatus_interval_s: 1\n\(agent): {}\n".write(
            toFile: "\(work)/\(agent).yaml", atomically: true, encoding: .utf8)
        let process = try start(
            "\(binDirectory)/vigil-\(agent)", ["--config", "\(work)/\(agent).yaml"], log: "\(work)/\(agent).log",
            environment: ["VIGIL_BROKER_PORT": String(brokerPort), "VIGIL_STATE_DIR": "\(work)/\(agent)"])
        defer { stop(process) }
        var configuration = MQTTConfiguration(clientID: "bench-\(agent)-feed")
        configuration.port = brokerPort
        configuration.maxInflight = 1000
        let client = try MQTTClient(configuration: configuration)
        try await client.connect()
        try await client.subscribe("vigil/bench/status/\(agent)")
        try await Task.sleep(for: .seconds(Settle.seconds))
        let cpuBefore = cpuSeconds(process.processIdentifier)
        for (index, item) in payloads.enumerated() {
            try client.enqueue(MQTTMessage(topic: item.topic, payload: item.payload, qos: .atLeastOnce))
            if index % 1000 == 999 { try await Task.sleep(for: .microseconds(1)) }
        }
        let started = Date()
        for await message in client.messages {
            let status = try? PayloadCodec.decode(AgentStatus.self, from: message.payload)
            if (status?.counters[counter] ?? 0) >= payloads.count { break }
            if Date().timeIntervalSince(started) > 120 { throw CocoaError(.fileReadUnknown) }
        }
        let cpu = cpuSeconds(process.processIdentifier) - cpuBefore
        let resident = residentKB(process.processIdentifier)
        await client.disconnect()
        return (cpu / Double(payloads.count), resident)
    }

    /// VmRSS from /proc, in kB.
    static func residentKB(_ pid: Int32) -> Int { statusKB(pid, "VmRSS:") }

    /// A `/proc/<pid>/status` memory line (`VmRSS:`, `VmHWM:`), in kB.
    static func statusKB(_ pid: Int32, _ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
