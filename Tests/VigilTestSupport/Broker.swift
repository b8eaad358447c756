import Foundation
import Glibc
import Synchronization

/// A private Mosquitto for tests, on a free loopback port, with its own config and log in a temp folder.
///
/// Mosquitto is spawned with `posix_spawn` and an empty signal mask: a child started by Foundation's
/// `Process` inside `swift test` inherits blocked signals and ignores SIGTERM. Every wait is bounded.
public final class Broker: Sendable {
    /// The broker of the enclosing suite, set by the `.broker` trait.
    @TaskLocal public static var current: Broker?

    public let host = "127.0.0.1"
    public let port: Int
    /// The temp folder holding `mosquitto.conf`, `mosquitto.log` and any password file.
    public let directory: String
    private let pid = Mutex<pid_t?>(nil)

    public var configFile: String { directory + "/mosquitto.conf" }
    public var logFile: String { directory + "/mosquitto.log" }

    /// Everything the broker logged so far; attach it to a failing expectation.
    public var logText: String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    /// Starts a broker. `users` (name → password) switches from anonymous access to a password file made
    /// with `mosquitto_passwd`; `extraConfig` lines are appended to the configuration.
    public init(users: [String: String] = [:], extraConfig: [String] = []) throws {
        port = try Self.freePort()
        var template = Array("/tmp/vigil-broker-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw BrokerError.setup("mkdtemp failed: errno \(errno)") }
        directory = String(cString: created)

        var config = [
            "listener \(port) 127.0.0.1",
            "persistence false",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
        ]
        // Run as root stays root; otherwise mosquitto switches to user `mosquitto`, which cannot read the
        // root-owned temp folder.
        if getuid() == 0 {
            config.append("user root")
        }
        if users.isEmpty {
            config.append("allow_anonymous true")
        } else {
            let passwordFile = directory + "/passwd"
            for (index, (name, password)) in users.sorted(by: { $0.key < $1.key }).enumerated() {
                let create = index == 0 ? ["-c"] : []
                let status = try Self.run(
                    "/usr/bin/mosquitto_passwd", ["-b"] + create + [passwordFile, name, password], log: nil)
                guard status == 0 else { throw BrokerError.setup("mosquitto_passwd exited with \(status)") }
            }
            config += ["allow_anonymous false", "password_file \(passwordFile)"]
        }
        config += extraConfig
        try (config.joined(separator: "\n") + "\n").write(toFile: configFile, atomically: true, encoding: .utf8)
        try launch()
    }

    /// Starts mosquitto on a configuration the caller writes (a production file adapted to a
    /// test): `configure` gets the broker's temp folder, to place files in, and returns the
    /// configuration's lines. The broker is up once `port` listens.
    public init(port: Int, configure: (String) throws -> [String]) throws {
        self.port = port
        var template = Array("/tmp/vigil-broker-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw BrokerError.setup("mkdtemp failed: errno \(errno)") }
        directory = String(cString: created)
        var config = try configure(directory) + ["log_dest stderr"]
        if getuid() == 0 { config.append("user root") }
        try (config.joined(separator: "\n") + "\n").write(toFile: configFile, atomically: true, encoding: .utf8)
        try launch()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the broker: SIGTERM, a short grace period, then SIGKILL. Does nothing if it is not running.
    public func stop() {
        guard let child = pid.withLock({ $0.take() }) else { return }
        Self.terminate(child)
    }

    /// Kills the broker with SIGKILL, as a crash or a power cut would: no clean disconnects.
    public func crash() {
        guard let child = pid.withLock({ $0.take() }) else { return }
        Glibc.kill(child, SIGKILL)
        _ = Self.reap(child, within: .seconds(2))
    }

    /// Starts the broker again on the same port, as a restarted site broker would be.
    public func restart() throws {
        stop()
        try launch()
    }

    private func launch() throws {
        let child = try Self.spawn("/usr/sbin/mosquitto", ["-c", configFile], log: logFile)
        pid.withLock { $0 = child }
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if Self.accepts(port: port) { return }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid.withLock { $0 = nil }
                throw BrokerError.setup("mosquitto exited during start-up:\n\(logText)")
            }
            usleep(20_000)
        }
        stop()
        throw BrokerError.setup("mosquitto did not listen on port \(port) within 5 s:\n\(logText)")
    }
}

/// Why a test broker could not be set up.
public enum BrokerError: Error, CustomStringConvertible {
    case setup(String)

    public var description: String {
        switch self {
        case .setup(let message): "test broker: \(message)"
        }
    }
}
