public import ArgumentParser
import VigilRecorder

/// `vigil history <asset>`: the recorder's history on the gateway, as `vigil-recorder query` prints it.
public struct HistoryCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Print an asset's history or rollups as CSV or JSON lines.",
        discussion: "Exit status: 0 with rows, 1 when nothing matched, 64 on bad arguments, 66 without a database.")

    @OptionGroup var options: HistoryOptions

    public init() {}

    public func run() throws { try options.run(command: "vigil history") }
}
