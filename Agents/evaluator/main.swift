import ArgumentParser
import VigilEvaluator
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

struct EvaluatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-evaluator", abstract: "Judges every reading: physics checks, limits, health score.")

    @OptionGroup var agent: AgentOptions

    @Option(
        help: """
            Judge only the assets whose stable hash mod N is k, so N evaluators share a large site \
            (evaluator.partition). Give each its own --agent-id and --state-dir.
            """)
    var partition: String?
}

// Thin by design: parse the command line, hand the agent to the shared runtime, exit with its code.
let command = EvaluatorCommand.parseOrExit()
exit(
    await AgentRuntime.run(
        EvaluatorAgent(), options: command.agent,
        overrides: command.partition.map { [(path: ["evaluator", "partition"], value: $0)] } ?? []))
