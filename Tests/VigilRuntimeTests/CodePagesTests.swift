import Foundation
import Testing

@testable import VigilRuntime

/// `releaseCodePages` on this very test process: its resident code shrinks, and it runs on.
@Suite struct CodePagesTests {
    /// `RssFile` in kB: resident pages backed by files, which code pages are.
    func residentFileKilobytes() throws -> Int {
        let status = String(decoding: try FileSystem.read("/proc/self/status"), as: UTF8.self)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssFile:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    @Test func releasedCodeLeavesResidentMemoryAndComesBackWhenItRuns() throws {
        let before = try residentFileKilobytes()
        let released = AgentRuntime.releaseCodePages()
        let after = try residentFileKilobytes()
        #expect(released > 1 << 20)
        // The test binary and the libraries it has run hold megabytes of code; most of it is gone.
        #expect(after < before - 1024, "RssFile \(before) kB before, \(after) kB after")
        // Code that is needed again comes back: decode and encode as every agent does.
        let data = try JSONEncoder().encode(["jar": 13.5, "string": 324.6])
        let decoded = try JSONDecoder().decode([String: Double].self, from: data)
        #expect(decoded == ["jar": 13.5, "string": 324.6])
    }
}
