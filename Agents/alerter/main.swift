import ArgumentParser
import VigilAlerter
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

struct AlerterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-alerter",
        abstract: "Turns findings, unreachable devices and overflowing outboxes into alarms with an ISA-18.2 life.")

    @OptionGroup var agent: AgentOptions
}

// Thin by design: parse the command line, hand the agent to the shared runtime, exit with its code.
AgentRuntime.limitMallocArenas()
let command = AlerterCommand.parseOrExit()
exit(await AgentRuntime.run(AlerterAgent(), options: command.agent))
