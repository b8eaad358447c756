import Foundation

extension Broker {
    /// The repository's production broker (`broker-config/mosquitto.conf` and `aclfile`) with its
    /// users made by `vigil-broker-users` and its certificates by `vigil-tls`, as an engineer would,
    /// only with both listeners on free loopback ports and every file in the broker's temp folder.
    public struct Production: Sendable {
        public let broker: Broker
        public let tlsPort: Int
        /// Holds `passwd`, `aclfile`, `ca.crt`, `server.crt`, `credentials/<user>.password`.
        public var directory: String { broker.directory }

        public func passwordFile(_ user: String) -> String { "\(directory)/credentials/\(user).password" }

        public func password(_ user: String) throws -> String {
            try String(contentsOfFile: passwordFile(user), encoding: .utf8).trimmingCharacters(in: .newlines)
        }
    }

    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    public static func production() throws -> Production {
        let port = try freePort()
        let tlsPort = try freePort()
        let source = repositoryRoot + "/broker-config"
        let broker = try Broker(port: port) { directory in
            for (script, arguments) in [
                (
                    "vigil-broker-users",
                    ["--passwd", "\(directory)/passwd", "--credentials", "\(directory)/credentials"]
                ),
                ("vigil-tls", ["--dir", directory, "--name", "localhost"]),
            ] {
                let status = try run("\(source)/\(script)", arguments, log: "\(directory)/\(script).log")
                guard status == 0 else {
                    let log = (try? String(contentsOfFile: "\(directory)/\(script).log", encoding: .utf8)) ?? ""
                    throw BrokerError.setup("\(script) exited with \(status):\n\(log)")
                }
            }
            try FileManager.default.copyItem(atPath: "\(source)/aclfile", toPath: "\(directory)/aclfile")
            let production = try String(contentsOfFile: "\(source)/mosquitto.conf", encoding: .utf8)
            var lines: [String] = []
            for line in production.split(separator: "\n", omittingEmptySubsequences: false) {
                var line = String(line).replacingOccurrences(of: "/etc/mosquitto/vigil/", with: "\(directory)/")
                if line == "listener 1883 127.0.0.1" { line = "listener \(port) 127.0.0.1" }
                if line == "listener 8883" { line = "listener \(tlsPort) 127.0.0.1" }
                lines.append(line)
            }
            // Debian's main file names these; the production file leaves them to it.
            return lines + ["persistence_location \(directory)/"]
        }
        return Production(broker: broker, tlsPort: tlsPort)
    }
}
