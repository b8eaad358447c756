import Glibc
import Testing
import VigilDomain
import VigilYAML

@testable import VigilRuntime

/// A stand-in agent with one setting, so the loader is tested without any real agent's rules.
struct ProbeAgent: Agent {
    struct Settings: Sendable, Equatable { var threshold: Double }
    static let name = "evaluator"

    static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly(["threshold"])
        return Settings(threshold: try section.double("threshold", default: 1, in: 0...10))
    }

    func subscriptions(_ topics: Topics) -> [String] { [] }
    func publications(_ topics: Topics, agentID: TopicLevel) -> [String] { [] }
    func run(_ context: AgentContext<Settings>) async throws {}
}

func temporaryFile(_ contents: String) -> String {
    var template = Array("/tmp/vigil-config-XXXXXX".utf8CString)
    let fd = mkstemp(&template)
    let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    _ = contents.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
    close(fd)
    return path
}

@Suite struct ConfigLoaderTests {
    func load(_ yaml: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws(ConfigError)
        -> ConfigLoader.Loaded<ProbeAgent.Settings>
    {
        let path = temporaryFile(yaml)
        defer { unlink(path) }
        let options = try! AgentOptions.parse(["--config", path] + arguments)
        return try ConfigLoader.load(ProbeAgent.self, options: options, environment: environment)
    }

    func refusal(_ yaml: String) -> ConfigError? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test func documentedDefaults() throws {
        let loaded = try load("")
        #expect(loaded.common.site.rawValue == "demo")
        #expect(loaded.common.agentID.rawValue == "evaluator")
        #expect(loaded.common.stateDirectory == "/var/lib/vigil/evaluator")
        #expect(loaded.common.broker.host == "127.0.0.1")
        #expect(loaded.common.broker.port == 1883)
        #expect(loaded.common.broker.clientID == "vigil-demo-evaluator")
        #expect(loaded.common.broker.keepAliveSeconds == 30)
        #expect(loaded.common.broker.tls == nil)
        #expect(loaded.common.logLevel == .info)
        #expect(loaded.common.statusInterval == .seconds(10))
        #expect(loaded.common.maximumPayloadBytes == 65_536)
        #expect(loaded.settings.threshold == 1)
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheFile() throws {
        let yaml = "site: file-site\nbroker:\n  port: 1000\n  host: file-host\nevaluator:\n  threshold: 2\n"
        let fromFile = try load(yaml)
        #expect(fromFile.common.site.rawValue == "file-site")
        #expect(fromFile.common.broker.port == 1000)
        #expect(fromFile.settings.threshold == 2)
        let environment = ["VIGIL_BROKER_PORT": "2000", "VIGIL_SITE": "env-site"]
        let fromEnvironment = try load(yaml, environment: environment)
        #expect(fromEnvironment.common.broker.port == 2000)
        #expect(fromEnvironment.common.site.rawValue == "env-site")
        #expect(fromEnvironment.common.broker.host == "file-host")
        let fromFlags = try load(yaml, ["--broker-port", "3000"], environment: environment)
        #expect(fromFlags.common.broker.port == 3000)
        #expect(fromFlags.common.site.rawValue == "env-site")
        #expect(fromFlags.common.broker.socketPath == nil)
        let throughSocket = try load(yaml, environment: ["VIGIL_BROKER_SOCKET": "/run/vigil/mqtt.sock"])
        #expect(throughSocket.common.broker.socketPath == "/run/vigil/mqtt.sock")
        #expect(throughSocket.common.broker.endpoint == "/run/vigil/mqtt.sock")
    }

    @Test func refusalsNameTheKey() {
        let cases: [(String, String, String)] = [
            ("broker:\n  port: abc\n", "broker.port", "expected an integer"),
            ("broker:\n  port: 70000\n", "broker.port", "must be between 1 and 65535"),
            ("broker:\n  socket: run/mqtt.sock\n", "broker.socket", "expected an absolute path"),
            (
                "broker:\n  socket: /run/vigil/mqtt.sock\n  tls:\n    ca_file: /etc/ca.crt\n", "broker.socket",
                "cannot be used with tls"
            ),
            ("brokr:\n  port: 1\n", "brokr", "unknown key"),
            ("broker:\n  hots: x\n", "broker.hots", "unknown key"),
            ("site: a/b\n", "site", "contains '/'"),
            ("log_level: loud\n", "log_level", "expected error, warning"),
            ("broker:\n  protocol: 4\n", "broker.protocol", "expected \"5\" or \"3.1.1\""),
            ("broker:\n  tls:\n    cert_file: x\n", "broker.tls.ca_file", "is required"),
            ("evaluator:\n  threshold: 99\n", "evaluator.threshold", "must be between"),
            ("evaluator:\n  treshold: 1\n", "evaluator.treshold", "unknown key"),
            ("evaluator: 5\n", "evaluator", "expected a mapping"),
        ]
        for (yaml, key, reason) in cases {
            let error = refusal(yaml)
            #expect(error?.key == key, "\(yaml)")
            #expect(error?.reason.hasPrefix(reason) == true, "\(String(describing: error)) should start with \(reason)")
        }
    }

    @Test func yamlSyntaxErrorsGiveTheFileAndLine() {
        let error = refusal("site: demo\nbroker:\n\tport: 1\n")
        #expect(error?.description.contains("line 3") == true)
        #expect(error?.description.contains("/tmp/vigil-config-") == true)
    }

    @Test func aMissingExplicitFileIsAnError() {
        let options = try! AgentOptions.parse(["--config", "/nonexistent/vigil.yaml"])
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(ProbeAgent.self, options: options, environment: [:])
        }
    }
}

@Suite struct RemoteConfigurationTests {
    func parse(_ json: String) throws(ConfigError) -> RemoteConfiguration<ProbeAgent.Settings> {
        try RemoteConfiguration(ProbeAgent.self, payload: Array(json.utf8), maximumBytes: 65_536)
    }

    @Test func appliesAValidDocument() throws {
        let remote = try parse(#"{"revision": 7, "threshold": 2.5}"#)
        #expect(remote.revision == 7)
        #expect(remote.settings.threshold == 2.5)
    }

    @Test func refusesWholeDocumentsWithAReason() {
        let cases: [(String, String)] = [
            (#"{"threshold": 2}"#, "revision"),
            (#"{"revision": "seven", "threshold": 2}"#, "revision"),
            (#"{"revision": 1, "threshold": "high"}"#, "threshold"),
            (#"{"revision": 1, "threshold": 11}"#, "threshold"),
            (#"{"revision": 1, "thresold": 1}"#, "thresold"),
            ("not json", ""),
            ("[1, 2]", ""),
        ]
        for (json, key) in cases {
            do {
                _ = try parse(json)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.key == key, "\(json): \(error)")
            }
        }
    }

    @Test func jsonStringsStayStrings() throws {
        let tree = try ConfigDocument.parseJSON(
            Array(#"{"a": "42", "b": 42, "c": true, "d": null}"#.utf8), maximumBytes: 100)
        #expect(tree["a"] == .scalar("42", quoted: true))
        #expect(tree["b"]?.intValue == 42)
        #expect(tree["c"]?.boolValue == true)
        #expect(tree["d"]?.isNull == true)
    }
}
