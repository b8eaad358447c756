#if canImport(Glibc)
    internal import Glibc
#endif

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

    /// Gives the heap's free pages back to the kernel. glibc keeps what a burst freed (the
    /// evaluator's minute save of 1,944 jars' baselines left it 3 MB larger for good): the pages
    /// would only come back into use at the next burst.
    public static func returnFreedMemory() {
        _ = glibcMallocTrim(0)
    }

    /// Unmaps every code page the process has touched so far, its own and its libraries'; those it
    /// still runs come back at their next use, from the page cache (a minor fault each).
    ///
    /// Most of an agent's resident memory is code, and a good part of that ran once: argument
    /// parsing, configuration, migrations, the first connection. Released once the agent is
    /// running, its resident memory is what it keeps using, and the kernel may reclaim the rest
    /// first when memory runs short (mapped code is the last it evicts). Only executable file
    /// mappings are touched: they are never written, so nothing is lost, unlike a read-only data
    /// mapping whose relocated pages are private copies.
    /// - Returns: the bytes of address space advised.
    @discardableResult
    public static func releaseCodePages() -> Int {
        guard let maps = try? FileSystem.read("/proc/self/maps") else { return 0 }
        var released = 0
        for line in maps.split(separator: UInt8(ascii: "\n")) {
            // "start-end perms offset dev inode path": executable, and backed by a file (inode ≠ 0).
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            guard fields.count >= 6, Array(fields[1]) == Array("r-xp".utf8), Array(fields[5]) != [UInt8(ascii: "0")]
            else { continue }
            let bounds = fields[0].split(separator: UInt8(ascii: "-"))
            guard bounds.count == 2,
                let start = UInt(String(decoding: bounds[0], as: UTF8.self), radix: 16),
                let end = UInt(String(decoding: bounds[1], as: UTF8.self), radix: 16), end > start,
                let address = UnsafeMutableRawPointer(bitPattern: start)
            else { continue }
            if madvise(address, Int(end - start), MADV_DONTNEED) == 0 { released += Int(end - start) }
        }
        return released
    }
}

/// glibc's `mallopt`, which the Glibc module does not export (it is declared in `<malloc.h>`).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// glibc's `malloc_trim`, also only in `<malloc.h>`.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
/// `M_ARENA_MAX` in `<malloc.h>`.
private let glibcArenaMax: Int32 = -8
