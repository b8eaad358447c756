import ArgumentParser
import VigilRecorder
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

// Thin by design: parse the command line, hand the agent to the shared runtime (or run the
// query), exit with its code. Parsed here rather than through `@main` so the malloc arenas are
// limited before any other thread starts.
AgentRuntime.limitMallocArenas(to: 2)
var command: any ParsableCommand
do {
    command = try RecorderCommand.parseAsRoot()
} catch {
    RecorderCommand.exit(withError: error)
}
if let run = command as? RecorderCommand.Run {
    exit(await AgentRuntime.run(RecorderAgent(), options: run.agent))
}
do {
    try command.run()
} catch {
    RecorderCommand.exit(withError: error)
}
