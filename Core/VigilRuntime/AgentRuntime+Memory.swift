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

    /// Unmaps every page of code and read-only data the process has touched so far, its own and
    /// its libraries'; those it still uses come back at their next use, from the page cache (a
    /// minor fault each).
    ///
    /// Most of an agent's resident memory is code and constant data, and a good part of that was
    /// used once: argument parsing, configuration, migrations, the first connection, OpenSSL's
    /// and libstdc++'s initialisation. Released once the agent is running, its resident memory is
    /// what it keeps using, and the kernel may reclaim the rest first when memory runs short
    /// (mapped code is the last it evicts). Only read-only file mappings without a single private
    /// page are touched (`Anonymous: 0 kB`): all their pages are the file's, so nothing is lost,
    /// unlike relocated read-only data, whose pages are private copies.
    /// - Returns: the bytes of address space advised.
    @discardableResult
    public static func releaseCodePages() -> Int {
        guard let smaps = try? FileSystem.read("/proc/self/smaps") else { return 0 }
        var released = 0
        var candidate: (start: UInt, end: UInt)?
        for line in smaps.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.last == UInt8(ascii: ":") {
                // A field of the current mapping; only `Anonymous` decides.
                guard let mapping = candidate, first.elementsEqual("Anonymous:".utf8) else { continue }
                candidate = nil
                guard fields.count >= 2, fields[1].elementsEqual("0".utf8),
                    let address = UnsafeMutableRawPointer(bitPattern: mapping.start)
                else { continue }
                if madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 {
                    released += Int(mapping.end - mapping.start)
                }
                continue
            }
            // A mapping: "start-end perms offset dev inode path"; read-only and backed by a file.
            candidate = nil
            guard fields.count >= 6, fields[1].starts(with: "r-".utf8), !fields[5].elementsEqual("0".utf8)
            else { continue }
            let bounds = first.split(separator: UInt8(ascii: "-"))
            guard bounds.count == 2,
                let start = UInt(String(decoding: bounds[0], as: UTF8.self), radix: 16),
                let end = UInt(String(decoding: bounds[1], as: UTF8.self), radix: 16), end > start
            else { continue }
            candidate = (start, end)
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
