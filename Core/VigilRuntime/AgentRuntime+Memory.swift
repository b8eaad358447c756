extension AgentRuntime {
    /// A few malloc arenas for the whole process instead of one per thread. An agent's threads
    /// allocate little at the same time, and every extra arena kept megabytes resident (at site
    /// load the recorder held 31 MB with them, 23 without). The recorder takes two: its network
    /// thread decodes while its writer commits, and sharing one arena cost a fifth of its rate
    /// catching up on a battery backlog. Call it first in `main`, on the main thread: a thread
    /// that has allocated keeps the arena it has.
    public static func limitMallocArenas(to arenas: Int32 = 1) {
        _ = glibcMallopt(glibcArenaMax, arenas)
    }
}

/// glibc's `mallopt`, which the Glibc module does not export (it is declared in `<malloc.h>`).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// `M_ARENA_MAX` in `<malloc.h>`.
private let glibcArenaMax: Int32 = -8
