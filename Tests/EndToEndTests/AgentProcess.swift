import Foundation
import Glibc

/// One built agent binary running as a real process, as systemd would run it.
final class AgentProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    let logPath: String

    static var binDirectory: String {
        if let directory = ProcessInfo.processInfo.environment["VIGIL_BIN_DIR"], !directory.isEmpty {
            return directory
        }
        // Tests/EndToEndTests/AgentProcess.swift → package root → the debug build folder.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug").path
    }

    init(_ name: String, arguments: [String] = [], environment: [String: String], directory: String) throws {
        self.name = name
        logPath = "\(directory)/\(name).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: "\(Self.binDirectory)/vigil-\(name)")
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VIGIL_") }
        merged.merge(environment) { $1 }
        process.environment = merged
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardError = log
        process.standardOutput = log
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the process to exit; returns the exit status, or nil when it is still running.
    func waitForExit(within limit: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }

    /// Makes sure nothing outlives the test, even when an assertion failed half-way.
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/vigil-e2e-XXXXXX".utf8CString)
    return String(cString: mkdtemp(&template)!)
}

/// A command run to its end, for the command-line tests: its exit status and what it printed.
struct CommandRun {
    var status: Int32
    var output: String
    var error: String

    /// - Parameter mergeErrors: stderr into `output` (for commands whose whole transcript matters).
    static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, mergeErrors: Bool = true
    ) throws -> CommandRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = mergeErrors ? out : Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let error = mergeErrors ? "" : String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return CommandRun(status: process.terminationStatus, output: output, error: error)
    }
}
