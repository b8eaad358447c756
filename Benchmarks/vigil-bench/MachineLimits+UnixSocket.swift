import Foundation

extension MachineLimits {
    /// Raw libmosquitto QoS 1 msg/s through a broker's Unix socket: `mqbench` from
    /// `../shared/bench/limits`, built with its two connects pointed at the socket, against a
    /// private broker configured as `limits.sh` configures its own. The like-for-like reference
    /// for agents that connect through `broker.socket`; nil when the source or a tool is missing.
    static func measureUnixSocket(work: String, runs: Int) -> Figure? {
        let source = FileManager.default.currentDirectoryPath + "/../shared/bench/limits/mqbench.c"
        guard let text = try? String(contentsOfFile: source, encoding: .utf8) else { return nil }
        let connect = #""127.0.0.1", port, 60"#
        guard text.components(separatedBy: connect).count == 3 else {
            print("machine limits: mqbench.c no longer connects as expected; no Unix socket reference")
            return nil
        }
        let directory = work + "/limits-unix"
        let path = "/tmp/vigil-bench-\(getpid())-raw.sock"
        defer { unlink(path) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try text.replacingOccurrences(of: connect, with: #"""# + path + #"", 0, 60"#)
                .write(toFile: directory + "/mqbench.c", atomically: true, encoding: .utf8)
            let compiler = try start(
                "/usr/bin/gcc",
                ["-O2", "-o", directory + "/mqbench", directory + "/mqbench.c", "-lmosquitto", "-lpthread"],
                log: directory + "/gcc.log")
            compiler.waitUntilExit()
            guard compiler.terminationStatus == 0 else { return nil }
            let port = freePort()
            try """
            listener \(port) 127.0.0.1
            listener 0 \(path)
            allow_anonymous true
            persistence false
            max_queued_messages 10000000
            max_queued_bytes 0
            \(getuid() == 0 ? "user root" : "")
            """.write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
            let broker = try start(
                "/usr/sbin/mosquitto", ["-c", directory + "/mosquitto.conf"], log: directory + "/mosquitto.log")
            defer { stop(broker) }
            usleep(300_000)
            var rates: [Double] = []
            for _ in 0..<runs {
                let output = Pipe()
                let bench = Process()
                bench.executableURL = URL(fileURLWithPath: directory + "/mqbench")
                bench.arguments = [
                    "tput", "-q", "1", "-n", "50000", "-p", String(port), "-b", String(broker.processIdentifier),
                ]
                bench.standardOutput = output
                bench.standardError = FileHandle.nullDevice
                try bench.run()
                let line = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                bench.waitUntilExit()
                let rate = line.split(separator: " ").first { $0.hasPrefix("msg_s=") }.flatMap {
                    Double($0.dropFirst(6))
                }
                if let rate { rates.append(rate) }
            }
            return rates.isEmpty ? nil : Figure(rates)
        } catch {
            print("machine limits: no Unix socket reference: \(error)")
            return nil
        }
    }
}
