import Foundation

/// Each agent's resident memory and CPU at a large data centre's load: the simulator's 81 strings
/// of 24 jars (1,944 jars), two chillers and four pumps, read once a second, with all four agents
/// running as shipped (`make static`: the Swift runtime linked in, as the Debian package has it).
///
/// After a warm-up (baselines learned, databases and outboxes open, the first minute's work done),
/// CPU is measured over several windows and resident memory sampled every second; each window and
/// each sample is one run.
enum FootprintBench {
    static let agents = ["collector", "evaluator", "alerter", "recorder"]

    struct Outcome {
        /// Percent of one core, one figure per window.
        var cpuPercent: [String: [Double]]
        /// MB, one figure per sample.
        var residentMB: [String: [Double]]
        /// The highest resident memory each agent reached (VmHWM), MB.
        var peakMB: [String: Double]
        var readingsPerSecond: Double
    }

    static func run(warmUp: Double, windows: Int, window: Double, agentDirectory: String, work: String)
        async throws -> Outcome
    {
        let site = try BenchSite(work: work, agentDirectory: agentDirectory, name: "footprint")
        defer { site.stopAll() }
        let common = "site: bench\nstatus_interval_s: 10\n"
        try site.launch("recorder", config: common + "recorder: {}\n")
        try site.launch("evaluator", config: common + "evaluator: {}\n")
        try site.launch("alerter", config: common + "alerter: {}\n")
        try site.launch(
            "collector",
            config: common + """
                collector:
                  source: simulator
                  interval_ms: 1000
                  simulator: {site: realistic, string_count: 81, chiller_count: 2, pump_count: 4}

                """)
        try await site.waitOnline(agents, site: "bench")
        let path = "\(site.work)/recorder/history.db"
        try await Task.sleep(for: .seconds(warmUp))
        var outcome = Outcome(cpuPercent: [:], residentMB: [:], peakMB: [:], readingsPerSecond: 0)
        let committedBefore = (try? PipelineBench.committed(path)) ?? 0
        let started = Date()
        for _ in 0..<windows {
            let before = Dictionary(uniqueKeysWithValues: agents.map { ($0, cpuSeconds(site.pid($0))) })
            let opened = Date()
            var elapsed = 0.0
            while elapsed < window {
                try await Task.sleep(for: .seconds(min(1, window - elapsed)))
                elapsed = Date().timeIntervalSince(opened)
                for agent in agents {
                    outcome.residentMB[agent, default: []].append(
                        Double(EvaluatorBench.residentKB(site.pid(agent))) / 1024)
                }
            }
            for agent in agents {
                outcome.cpuPercent[agent, default: []].append(
                    (cpuSeconds(site.pid(agent)) - before[agent]!) / elapsed * 100)
            }
        }
        let committed = (try? PipelineBench.committed(path)) ?? 0
        outcome.readingsPerSecond = Double(committed - committedBefore) / Date().timeIntervalSince(started)
        for agent in agents {
            outcome.peakMB[agent] = Double(EvaluatorBench.statusKB(site.pid(agent), "VmHWM:")) / 1024
        }
        return outcome
    }
}
