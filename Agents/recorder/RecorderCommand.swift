import ArgumentParser
import VigilDomain
import VigilRecorder
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

@main
struct RecorderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-recorder", abstract: "Keeps telemetry, evaluations and alarm history in SQLite.",
        subcommands: [Run.self, Query.self], defaultSubcommand: Run.self)

    /// The agent itself; what systemd starts (`vigil-recorder --config …` runs this).
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the recorder agent (the default).")

        @OptionGroup var agent: AgentOptions

        func run() async throws {
            // Thin by design: hand the agent to the shared runtime and exit with its code.
            Glibc.exit(await AgentRuntime.run(RecorderAgent(), options: agent))
        }
    }

    /// History out of the database, for a spreadsheet or a script; read-only beside the agent.
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an asset's history or rollups as CSV or JSON lines.",
            discussion: "Exit status: 0 with rows, 1 when nothing matched, 64 on bad arguments, 66 without a database.")

        @OptionGroup var options: HistoryOptions

        func run() throws { try options.run(command: "vigil-recorder query") }
    }
}
