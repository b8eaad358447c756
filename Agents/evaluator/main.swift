import ArgumentParser
import VigilEvaluator
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

struct EvaluatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-evaluator",
        abstract: "Judges every reading: physics checks, limits, baselines, twins, health score.",
        subcommands: [Run.self, TrainCommand.self, RULBenchmarkCommand.self], defaultSubcommand: Run.self)
}

/// The agent itself, and what `vigil-evaluator --config …` runs.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the evaluator agent (the default).")

    @OptionGroup var agent: AgentOptions

    @Option(
        help: """
            Judge only the assets whose stable hash mod N is k, so N evaluators share a large site \\
            (evaluator.partition). Give each its own --agent-id and --state-dir.
            """)
    var partition: String?
}

// Thin by design: parse the command line, hand the agent to the shared runtime (or run a
// one-off command), exit with its code.
AgentRuntime.limitMallocArenas()
var command: any ParsableCommand
do {
    command = try EvaluatorCommand.parseAsRoot()
} catch {
    EvaluatorCommand.exit(withError: error)
}
if let run = command as? Run {
    exit(
        await AgentRuntime.run(
            EvaluatorAgent(), options: run.agent,
            overrides: run.partition.map { [(path: ["evaluator", "partition"], value: $0)] } ?? []))
}
do {
    try command.run()
} catch {
    EvaluatorCommand.exit(withError: error)
}
