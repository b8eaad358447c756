import Foundation
import Glibc

extension Broker {
    /// Asks the kernel for a free loopback port: bind port 0, read the port back, close. Also gives tests
    /// a port where nothing listens.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BrokerError.setup("socket failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw BrokerError.setup("bind to 127.0.0.1:0 failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True when something accepts TCP connections on the loopback port.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Spawns a program with default signal handling and an empty signal mask; stdout and stderr go to
    /// `log` (appended) or to /dev/null.
    static func spawn(_ path: String, _ arguments: [String], log: String?) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let output = log ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer {
            for argument in argv { free(argument) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw BrokerError.setup("posix_spawn \(path) failed: \(String(cString: strerror(rc)))") }
        return child
    }

    /// Runs a program to completion (bounded to 10 s) and returns its exit status.
    public static func run(_ path: String, _ arguments: [String], log: String?) throws -> Int32 {
        let child = try spawn(path, arguments, log: log)
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if waitpid(child, &status, WNOHANG) == child {
                return (status >> 8) & 0xFF
            }
            usleep(10_000)
        }
        kill(child, SIGKILL)
        _ = reap(child, within: .seconds(2))
        throw BrokerError.setup("\(path) did not finish within 10 s")
    }

    /// Polls `waitpid` until the child exits or the time is up; true if it was reaped.
    /// SIGTERM, two seconds' grace, then SIGKILL: how every helper process of the tests is stopped.
    static func terminate(_ child: pid_t) {
        kill(child, SIGTERM)
        if reap(child, within: .seconds(2)) { return }
        kill(child, SIGKILL)
        _ = reap(child, within: .seconds(2))
    }

    static func reap(_ child: pid_t, within limit: Duration) -> Bool {
        var status: Int32 = 0
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let result = waitpid(child, &status, WNOHANG)
            if result == child || (result < 0 && errno == ECHILD) { return true }
            usleep(5_000)
        }
        return false
    }
}
