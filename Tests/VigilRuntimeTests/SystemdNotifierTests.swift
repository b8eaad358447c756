import Glibc
import Testing

@testable import VigilRuntime

/// A real datagram socket stands in for systemd's notify socket.
@Suite struct SystemdNotifierTests {
    func listen(at path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        #expect(result == 0)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    func receive(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    @Test func sendsReadyWatchdogAndStoppingToAPathSocket() {
        let path = "/tmp/vigil-notify-\(getpid())"
        unlink(path)
        let fd = listen(at: path)
        defer {
            close(fd)
            unlink(path)
        }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        notifier.ready(status: "connecting")
        #expect(receive(fd) == "READY=1\nSTATUS=connecting")
        notifier.watchdog()
        #expect(receive(fd) == "WATCHDOG=1")
        notifier.stopping()
        #expect(receive(fd) == "STOPPING=1")
    }

    @Test func reachesAbstractSockets() {
        let name = "@vigil-notify-\(getpid())"
        let fd = listen(at: name)
        defer { close(fd) }
        SystemdNotifier(environment: ["NOTIFY_SOCKET": name]).ready()
        #expect(receive(fd) == "READY=1")
    }

    @Test func watchdogIntervalIsHalfTheConfiguredTimeout() {
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "4000000"]).watchdogInterval == .seconds(2))
        #expect(
            SystemdNotifier(environment: ["WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: [:]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: [:]).socketPath == nil)
    }
}
