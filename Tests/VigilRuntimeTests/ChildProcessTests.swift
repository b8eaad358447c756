import Foundation
import Testing
import VigilRuntime

@Suite struct ChildProcessTests {
    @Test func passesArgumentsEnvironmentAndStdinAsDataAndReportsTheExitCode() throws {
        let directory = NSTemporaryDirectory() + "vigil-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try ChildProcess.run(
            [
                "/bin/sh", "-c",
                "printf '%s|%s|' \"$1\" \"$GREETING\" > \(directory)/out; cat >> \(directory)/out; exit 3",
                "sh", "$(touch \(directory)/pwned)",
            ],
            environment: ["GREETING": "`touch \(directory)/pwned2`"], stdin: Array("{\"a\":1}".utf8), timeoutMs: 5000)
        #expect(outcome == .exited(3))
        let written = try String(contentsOfFile: "\(directory)/out", encoding: .utf8)
        #expect(written == "$(touch \(directory)/pwned)|`touch \(directory)/pwned2`|{\"a\":1}")
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/pwned"))
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/pwned2"))
    }

    @Test func aProgramPastItsTimeoutIsKilledWithWhatItStarted() throws {
        let started = ContinuousClock.now
        let outcome = try ChildProcess.run(
            ["/bin/sh", "-c", "sleep 30 & sleep 30"], environment: [:], stdin: [], timeoutMs: 300)
        #expect(outcome == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// The hook must not hold the agent's broker socket or databases open.
    @Test func theProgramInheritsNoDescriptorBeyondStdio() throws {
        let path = NSTemporaryDirectory() + "vigil-fds-\(getpid())"
        defer { unlink(path) }
        let held = open("/dev/null", O_RDONLY)
        defer { close(held) }
        #expect(held > 2)
        let outcome = try ChildProcess.run(
            ["/bin/sh", "-c", "exec ls /proc/self/fd > \(path)"], environment: [:], stdin: [], timeoutMs: 5000)
        #expect(outcome == .exited(0))
        // 0, 1, 2 and the descriptor ls reads the directory with.
        let listed = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(listed.count == 4, "\(listed)")
    }

    @Test func aMissingProgramIsAnErrorNotACrash() {
        #expect(throws: ChildProcess.Failure.self) {
            try ChildProcess.run(["/nonexistent/hook"], environment: [:], stdin: [1, 2, 3], timeoutMs: 1000)
        }
    }
}
