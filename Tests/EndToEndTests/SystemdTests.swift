import Foundation
import Glibc
import Testing
import VigilTestSupport

/// The shipped units, checked the way systemd would check them, and each built agent speaking the
/// notify protocol to a socket that stands in for systemd.
@Suite(.serialized)
struct SystemdTests {
    static let agents = ["collector", "evaluator", "alerter", "recorder"]

    static func analyze(_ arguments: [String]) throws -> CommandRun {
        try CommandRun.run("/usr/bin/systemd-analyze", arguments)
    }

    /// `systemd-analyze verify` passes and `security --offline` rates every unit 2.0 or better. The
    /// unit is checked as shipped, only with `ExecStart` pointing at the built binary.
    @Test(arguments: agents)
    func theUnitVerifiesAndIsRatedSafe(_ agent: String) throws {
        let source = Broker.repositoryRoot + "/systemd"
        let unit = try String(contentsOfFile: "\(source)/vigil-\(agent).service", encoding: .utf8)
        for required in [
            "Type=notify", "WatchdogSec=", "Restart=on-failure", "User=vigil",
            "Wants=network-online.target mosquitto.service",
            "StateDirectory=vigil/\(agent)", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "ProtectSystem=strict",
            "SystemCallFilter=@system-service",
            "LoadCredential=broker-password:/etc/vigil/credentials/\(agent).password",
        ] {
            #expect(unit.contains(required), "vigil-\(agent).service lacks \(required)")
        }
        #expect(unit.contains("SupplementaryGroups=dialout") == (agent == "collector"))
        let directory = makeTemporaryDirectory()
        let path = "\(directory)/vigil-\(agent).service"
        try unit.replacingOccurrences(
            of: "/usr/local/bin/vigil-\(agent)", with: "\(AgentProcess.binDirectory)/vigil-\(agent)"
        ).write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: "\(source)/vigil.target", toPath: "\(directory)/vigil.target")
        let verified = try Self.analyze(["verify", path])
        #expect(verified.status == 0 && verified.output.isEmpty, "\(verified.output)")
        let security = try Self.analyze(["security", "--offline=true", "--no-pager", path])
        let line = security.output.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let level = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(level != nil && level! <= 2.0, "vigil-\(agent).service: \(line)\n\(security.output)")
    }

    /// Each agent tells systemd it is ready once configured, pings the watchdog while its loop
    /// runs, and says it is stopping on SIGTERM.
    @Test(.timeLimit(.minutes(2)), arguments: agents)
    func theAgentSpeaksTheNotifyProtocol(_ agent: String) async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let directory = makeTemporaryDirectory()
        let socketPath = "\(directory)/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        try "status_interval_s: 1\n".write(toFile: "\(directory)/\(agent).yaml", atomically: true, encoding: .utf8)
        let process = try AgentProcess(
            agent, arguments: ["--config", "\(directory)/\(agent).yaml"],
            environment: [
                "VIGIL_SITE": "e2e-notify", "VIGIL_BROKER_PORT": String(broker.port),
                "VIGIL_STATE_DIR": "\(directory)/state", "NOTIFY_SOCKET": socketPath,
                // A 2 s watchdog: a ping every second.
                "WATCHDOG_USEC": "2000000",
            ], directory: directory)
        defer { process.stop() }
        var received: [String] = []
        func drain(for duration: Duration) {
            let deadline = ContinuousClock.now + duration
            var buffer = [UInt8](repeating: 0, count: 1024)
            while ContinuousClock.now < deadline {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 { received.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
            }
        }
        drain(for: .milliseconds(3500))
        #expect(received.contains { $0.hasPrefix("READY=1") }, "\(received)\n\(process.log)")
        #expect(received.filter { $0 == "WATCHDOG=1" }.count >= 2, "\(received)")
        process.signal(SIGTERM)
        let status = await process.waitForExit(within: .seconds(5))
        drain(for: .milliseconds(300))
        #expect(status == 0)
        #expect(received.contains { $0.hasPrefix("STOPPING=1") }, "\(received)")
    }
}
