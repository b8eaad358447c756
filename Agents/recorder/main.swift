import ArgumentParser
import VigilRecorder
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

struct RecorderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-recorder", abstract: "Keeps telemetry, evaluations and alarm history in SQLite.")

    @OptionGroup var agent: AgentOptions
}

// Thin by design: parse the command line, hand the agent to the shared runtime, exit with its code.
let command = RecorderCommand.parseOrExit()
exit(await AgentRuntime.run(RecorderAgent(), options: command.agent))
