import Foundation
import Testing
import VigilTestSupport

/// The Debian package, built from the built binaries the way `make deb` builds it, installed into
/// a scratch root with dpkg (its maintainer scripts run against that root) and purged again.
@Suite(.serialized)
struct PackageTests {
    static func run(_ path: String, _ arguments: [String]) throws -> CommandRun {
        try CommandRun.run(path, arguments)
    }

    @Test(.timeLimit(.minutes(2)))
    func theDebInstallsItsFilesUserAndUnitsAndPurgesCleanly() throws {
        let work = makeTemporaryDirectory()
        let built = try Self.run(Broker.repositoryRoot + "/packaging/build-deb.sh", [AgentProcess.binDirectory, work])
        try #require(built.status == 0, "\(built.output)")
        let deb = built.output.split(separator: "\n").last.map(String.init) ?? ""
        let info = try Self.run("/usr/bin/dpkg-deb", ["--info", deb])
        #expect(info.output.contains("Package: vigil") && info.output.contains("Depends: mosquitto"))

        // A scratch root with just enough of a system for dpkg and useradd.
        let root = "\(work)/root"
        let fileManager = FileManager.default
        for folder in ["etc", "var/lib/dpkg/info", "var/lib/dpkg/updates"] {
            try fileManager.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        let seeds = [
            "var/lib/dpkg/status": "", "etc/passwd": "root:x:0:0:root:/root:/bin/bash\n",
            "etc/group": "root:x:0:\ndialout:x:20:\n", "etc/shadow": "root:*:19000:0:99999:7:::\n",
            "etc/gshadow": "root:*::\n",
        ]
        for (path, text) in seeds { try text.write(toFile: "\(root)/\(path)", atomically: true, encoding: .utf8) }
        try fileManager.copyItem(atPath: "/etc/login.defs", toPath: "\(root)/etc/login.defs")
        let dpkg = ["--root=\(root)", "--force-script-chrootless", "--force-depends", "--log=/dev/null"]
        let installed = try Self.run("/usr/bin/dpkg", dpkg + ["-i", deb])
        #expect(installed.status == 0, "\(installed.output)")

        for path in [
            "usr/bin/vigil", "usr/bin/vigil-collector", "usr/bin/vigil-evaluator", "usr/bin/vigil-alerter",
            "usr/bin/vigil-recorder", "usr/lib/systemd/system/vigil.target", "etc/vigil/vigil.yaml",
            "etc/vigil/maps/battery-monitor.yaml", "etc/mosquitto/conf.d/vigil.conf", "etc/mosquitto/vigil/aclfile",
            "etc/mosquitto/vigil/passwd", "etc/mosquitto/vigil/ca.crt", "etc/mosquitto/vigil/server.crt",
            "etc/vigil/credentials/collector.password", "usr/sbin/vigil-broker-users", "usr/sbin/vigil-tls",
        ] {
            #expect(fileManager.fileExists(atPath: "\(root)/\(path)"), "\(path) is missing")
        }
        let passwd = try String(contentsOfFile: "\(root)/etc/passwd", encoding: .utf8)
        #expect(passwd.contains("vigil:x:") && passwd.contains(":/var/lib/vigil:/usr/sbin/nologin"), "\(passwd)")
        for agent in ["collector", "evaluator", "alerter", "recorder"] {
            let unit = try String(
                contentsOfFile: "\(root)/usr/lib/systemd/system/vigil-\(agent).service", encoding: .utf8)
            #expect(unit.contains("ExecStart=/usr/bin/vigil-\(agent) --config /etc/vigil/vigil.yaml"))
            let mode =
                try fileManager.attributesOfItem(atPath: "\(root)/etc/vigil/credentials/\(agent).password")[
                    .posixPermissions] as? Int
            #expect(mode == 0o400, "\(agent).password mode \(String(mode ?? 0, radix: 8))")
        }
        let conffiles = try Self.run(
            "/usr/bin/dpkg-query", ["--root=\(root)", "--showformat=${Conffiles}", "--show", "vigil"])
        #expect(conffiles.output.contains("/etc/vigil/vigil.yaml"), "\(conffiles.output)")
        // The installed binaries run, and the installed configuration is valid for every agent.
        for agent in ["collector", "evaluator", "alerter", "recorder"] {
            let checked = try Self.run(
                "\(root)/usr/bin/vigil-\(agent)", ["--check-config", "--config", "\(root)/etc/vigil/vigil.yaml"])
            #expect(checked.status == 0, "\(agent): \(checked.output)")
        }

        // Installing again (an upgrade) keeps the passwords the site already uses.
        let password = try String(contentsOfFile: "\(root)/etc/vigil/credentials/viewer.password", encoding: .utf8)
        #expect(try Self.run("/usr/bin/dpkg", dpkg + ["-i", deb]).status == 0)
        #expect(
            try String(contentsOfFile: "\(root)/etc/vigil/credentials/viewer.password", encoding: .utf8) == password)

        let purged = try Self.run("/usr/bin/dpkg", dpkg + ["--purge", "vigil"])
        #expect(purged.status == 0, "\(purged.output)")
        for path in [
            "usr/bin/vigil", "etc/vigil/vigil.yaml", "etc/mosquitto/vigil", "usr/lib/systemd/system/vigil.target",
        ] {
            #expect(!fileManager.fileExists(atPath: "\(root)/\(path)"), "\(path) is left after purge")
        }
    }
}
