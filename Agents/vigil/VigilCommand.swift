import ArgumentParser
import VigilConsole

/// The operator's command line; each subcommand lives in VigilConsole.
@main
struct VigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil", abstract: "Operate a Vigil site from the terminal.",
        subcommands: [
            StatusCommand.self, AlertsCommand.self, ConfigCommand.self, HistoryCommand.self, TailCommand.self,
            WatchCommand.self,
        ])
}
