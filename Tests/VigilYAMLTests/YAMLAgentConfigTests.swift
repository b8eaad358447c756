import Testing
import VigilYAML

@Suite struct YAMLAgentConfigTests {
    private let evaluatorConfig = """
        # Vigil evaluator
        site: bkk-dc1
        broker:
          host: 127.0.0.1
          port: 1883        # loopback listener
          tls:
            ca_file: "/etc/vigil/ca.pem"
        limits:
          vrla_string:
            jar_voltage_v: {warn_low: 13.0, crit_low: 12.6, warn_high: 14.1, crit_high: 14.4}
            jar_resistance_mohm: {warn_high: 5.0, crit_high: 6.0}
        devices:
          - name: bms-1
            url: modbus-tcp://10.0.0.5:502
            units: [1, 2, 3]
          - name: ups-1
            url: modbus-rtu:///dev/ttyUSB0?baud=9600&parity=N
        """

    @Test func realisticEvaluatorConfig() throws {
        let config = try YAML.parse(evaluatorConfig)
        #expect(config.mappingValue?.map(\.key) == ["site", "broker", "limits", "devices"])
        #expect(config["site"]?.stringValue == "bkk-dc1")

        let broker = try #require(config["broker"])
        #expect(broker["host"]?.stringValue == "127.0.0.1")
        #expect(broker["host"]?.doubleValue == nil)
        #expect(broker["port"]?.intValue == 1883)
        #expect(broker["tls"]?["ca_file"] == .scalar("/etc/vigil/ca.pem", quoted: true))

        let voltage = try #require(config["limits"]?["vrla_string"]?["jar_voltage_v"])
        #expect(voltage.mappingValue?.map(\.key) == ["warn_low", "crit_low", "warn_high", "crit_high"])
        #expect(voltage["crit_low"]?.doubleValue == 12.6)
        #expect(voltage["crit_high"]?.doubleValue == 14.4)
        #expect(config["limits"]?["vrla_string"]?["jar_resistance_mohm"]?["crit_high"]?.doubleValue == 6.0)

        let devices = try #require(config["devices"]?.sequenceValue)
        #expect(devices.count == 2)
        #expect(devices[0]["name"]?.stringValue == "bms-1")
        #expect(devices[0]["url"]?.stringValue == "modbus-tcp://10.0.0.5:502")
        #expect(devices[0]["units"]?.sequenceValue?.compactMap(\.intValue) == [1, 2, 3])
        #expect(devices[1]["url"]?.stringValue == "modbus-rtu:///dev/ttyUSB0?baud=9600&parity=N")
        #expect(devices[1]["units"] == nil)
    }

    @Test func errorInLongConfigPointsAtTheOffendingLine() {
        let duplicated = evaluatorConfig + "\nsite: other"
        #expect(throws: YAMLError(line: 18, column: 1, reason: "duplicate key 'site'")) {
            try YAML.parse(duplicated)
        }
        let tabbed = evaluatorConfig + "\n\tcolor: red"
        #expect(throws: YAMLError(line: 18, column: 1, reason: "tab in indentation")) {
            try YAML.parse(tabbed)
        }
    }
}
