#if canImport(Glibc)
    internal import Glibc
#endif

/// Runs a configured program with an argument vector and an environment, never through a
/// shell: text in the arguments, the environment or stdin is data, so an alarm message holding
/// `$(touch pwned)` stays a string.
public enum ChildProcess {
    public enum Outcome: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Killed, with everything it started, after the timeout.
        case timedOut
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Blocks the calling thread until the program ends or `timeoutMs` passes; call it from an
    /// `OSThread`, not from the cooperative pool.
    public static func run(
        _ arguments: [String], environment: [String: String], stdin: [UInt8], timeoutMs: Int
    ) throws(Failure) -> Outcome {
        guard let program = arguments.first, !program.isEmpty else { throw Failure(description: "no program given") }
        // A program that exits without reading stdin must cost an EPIPE, not the whole agent.
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        closeOnExec()
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        // Its own process group, so a timeout kills whatever it started too.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            throw Failure(description: "cannot start \(program): \(String(cString: strerror(spawned)))")
        }
        // The payload is small (one alarm); a program that does not read it gets EPIPE, not a hang.
        var offset = 0
        while offset < stdin.count {
            let written = stdin[offset...].withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
        close(fds[1])
        var status: Int32 = 0
        var waited = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR {
                throw Failure(description: "waitpid: \(String(cString: strerror(errno)))")
            }
            if waited >= timeoutMs {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return .timedOut
            }
            usleep(10_000)
            waited += 10
        }
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(status & 0x7f)
    }

    /// Nothing of the agent's (its broker socket, its databases, pipes it inherited) is the
    /// program's business, and an inherited pipe would keep its reader waiting for an end. Glibc's
    /// `closefrom` file action is not visible from Swift, so every descriptor above stderr is
    /// marked close-on-exec instead; the agents never exec anything else.
    private static func closeOnExec() {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let fd = Int32(name), fd > 2, fd != own else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
