import ArgumentParser
import VigilDomain
import VigilRecorder
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

struct RecorderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-recorder", abstract: "Keeps telemetry, evaluations and alarm history in SQLite.",
        subcommands: [Run.self, Query.self], defaultSubcommand: Run.self)

    /// The agent itself; what systemd starts (`vigil-recorder --config …` runs this, from `main`).
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the recorder agent (the default).")

        @OptionGroup var agent: AgentOptions
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
