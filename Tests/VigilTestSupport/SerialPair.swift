import Foundation
import Glibc
import Synchronization

/// Two pseudo-terminals wired back to back by `socat`, standing in for an RS-485 line in tests: what is
/// written to `deviceA` is read from `deviceB` and the other way round.
///
/// Runs `socat -d -d pty,raw,echo=0,link=DIR/a pty,raw,echo=0,link=DIR/b` in a temp folder and waits until
/// both links exist and socat has started its transfer loop. Quirks:
/// - `raw,echo=0` matters: without it the pty slaves start in cooked mode (canonical input buffered until a
///   newline, echo of every byte back to the writer, CR/NL translation, ^C/^Z as signals), which corrupts
///   binary Modbus frames for a client that does not set termios itself. With it, a plain `open(O_RDWR |
///   O_NOCTTY)` is enough; pyserial and libmodbus set raw mode anyway.
/// - Baud rate, parity, stop bits and data bits are ignored on a pty: both ends may be configured
///   differently and bytes still pass unchanged, instantly. Timing (RTU 3.5-character gaps) is not
///   simulated, so frames written back to back may arrive in one `read`.
/// - Bytes written to one end while nobody has the other end open wait in the pty and are delivered to the
///   next process that opens it; drain a device before a test relies on a clean line.
/// - socat survives processes opening and closing either end; it exits only when stopped. Stopping it makes
///   the ends return EIO/hang-up to whoever still has them open (a `ModbusPeer` on it then exits).
public final class SerialPair: Sendable {
    /// The temp folder holding the links `a` and `b` and `socat.log`.
    public let directory: String
    private let pid = Mutex<pid_t?>(nil)

    /// One end (a symlink to a `/dev/pts/N`).
    public var deviceA: String { directory + "/a" }
    /// The other end.
    public var deviceB: String { directory + "/b" }
    public var logFile: String { directory + "/socat.log" }

    /// What socat logged so far (the pty names, errors).
    public var logText: String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    /// Starts socat and waits (≤ 5 s) until both ends exist.
    public init() throws {
        var template = Array("/tmp/vigil-serial-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SerialPairError.setup("mkdtemp failed: errno \(errno)") }
        directory = String(cString: created)
        do {
            try launch()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Brings the line back under the same names, as a USB adapter plugged in again would.
    public func restart() throws {
        stop()
        try launch()
    }

    private func launch() throws {
        // The log is appended to; start it afresh so the readiness line below is this run's.
        unlink(logFile)
        let arguments = [
            "-d", "-d", "pty,raw,echo=0,link=\(directory)/a", "pty,raw,echo=0,link=\(directory)/b",
        ]
        let child: pid_t
        do {
            child = try Broker.spawn("/usr/bin/socat", arguments, log: logFile)
        } catch {
            throw SerialPairError.setup("\(error)")
        }
        pid.withLock { $0 = child }

        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if access(deviceA, F_OK) == 0, access(deviceB, F_OK) == 0,
                logText.contains("starting data transfer loop")
            {
                return
            }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid.withLock { $0 = nil }
                throw SerialPairError.setup("socat exited during start-up:\n\(logText)")
            }
            usleep(10_000)
        }
        let log = logText
        stop()
        throw SerialPairError.setup("socat did not create both ptys within 5 s:\n\(log)")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops socat: SIGTERM, a short grace period, then SIGKILL. Both ends disappear.
    public func stop() {
        guard let child = pid.withLock({ $0.take() }) else { return }
        Broker.terminate(child)
    }
}

/// Why a serial pair could not be set up.
public enum SerialPairError: Error, CustomStringConvertible {
    case setup(String)

    public var description: String {
        switch self {
        case .setup(let message): "serial pair: \(message)"
        }
    }
}
