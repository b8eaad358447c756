import ArgumentParser
import VigilCollector
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The common agent flags plus the simulator's two, which win over the configuration file.
struct CollectorOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-collector",
        abstract: "Reads Modbus devices, the simulated site or a recorded file, and publishes readings.")

    @OptionGroup var agent: AgentOptions

    @Option(help: "Simulator seed: the same seed gives the same site (collector.simulator.seed).")
    var seed: Int?

    @Option(help: "Simulated seconds per real second, e.g. 3600 (collector.simulator.speed).")
    var speed: Double?
}

// Thin by design: parse the command line, hand the agent to the shared runtime, exit with its code.
AgentRuntime.limitMallocArenas()
let options = CollectorOptions.parseOrExit()
var overrides: [(path: [String], value: String)] = []
if let seed = options.seed { overrides.append((["collector", "simulator", "seed"], String(seed))) }
if let speed = options.speed { overrides.append((["collector", "simulator", "speed"], String(speed))) }
exit(await AgentRuntime.run(CollectorAgent(), options: options.agent, overrides: overrides))
