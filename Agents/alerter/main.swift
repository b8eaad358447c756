import VigilAlerter
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

// Thin by design: parse the command line, hand the agent to the shared runtime, exit with its code.
let options = AgentOptions.parseOrExit()
exit(await AgentRuntime.run(AlerterAgent(), options: options))
