import VigilDomain

extension VRLAString {
    /// Jar voltage away from the string's mean (IEEE 1188 practice, manufacturers' float spread).
    static let deviationWarning = 0.30
    static let deviationCritical = 0.50
    /// A jar this much warmer than the room is heating itself: the start of thermal runaway.
    static let runawayRise = 10.0
    /// The string's mean jar voltage this far from the compensated float target, on float.
    static let floatWindow = 0.10
    /// The links' resistance over the whole string (a healthy string's links add up to a few mΩ).
    static let linkWarning = 0.010
    static let linkCritical = 0.030

    /// A reading whose jars and terminals cannot both be right; nil when they agree.
    func impossibility() -> Impossibility? {
        guard let sum = jarSum, let stringVoltage, let drop = linkDrop, let current else { return nil }
        if isAtRest, abs(drop) > restTolerance {
            return Impossibility(
                field: "string_voltage_v", value: stringVoltage,
                reason:
                    "the jars sum to \(Evaluator.format(sum)) V but the string reads \(Evaluator.format(stringVoltage)) V "
                    + "at \(Evaluator.format(current)) A (allowed \(Evaluator.format(restTolerance)) V apart at rest)",
                recommendation: "check the sense leads of the string voltage and of each jar")
        }
        if let resistance = linkResistance, resistance < -Self.linkWarning {
            return Impossibility(
                field: "string_current_a", value: current,
                reason:
                    "the terminals read \(Evaluator.format(-drop)) V more than the jars while \(Evaluator.format(current)) A "
                    + "flows: the current or a voltage cannot be right",
                recommendation: "check the current sensor's direction and the sense leads")
        }
        return nil
    }

    func findings() -> [Finding] {
        var findings: [Finding] = []
        // Half-way to a refusal: the reading is used, but the leads deserve a look (and strict
        // mode refuses it).
        if isAtRest, let drop = linkDrop, abs(drop) > restTolerance / 2, let stringVoltage, let sum = jarSum {
            findings.append(
                finding(
                    "sense_mismatch", .warning, metric: "string_voltage_v", jar: nil, value: drop,
                    limit: restTolerance / 2,
                    message:
                        "the jars sum to \(Evaluator.format(sum)) V but the string reads "
                        + "\(Evaluator.format(stringVoltage)) V at rest",
                    recommendation: "check the sense leads of the string voltage and of each jar"))
        }
        for (index, deviation) in deviations(\.voltage).enumerated() {
            guard let deviation, abs(deviation) >= Self.deviationWarning else { continue }
            let critical = abs(deviation) >= Self.deviationCritical
            let jar = index + 1
            findings.append(
                finding(
                    "jar_voltage_deviation", critical ? .critical : .warning,
                    metric: Reading.jarMetricName(index, "voltage_v"), jar: jar, value: deviation,
                    limit: (critical ? Self.deviationCritical : Self.deviationWarning) * (deviation < 0 ? -1 : 1),
                    message:
                        "jar \(jar) is \(Evaluator.format(abs(deviation))) V \(deviation < 0 ? "below" : "above") "
                        + "the string's mean",
                    recommendation:
                        deviation < 0
                        ? "check jar \(jar) for a shorted cell or a failing connection; test its capacity"
                        : "check jar \(jar) for dry-out or an open cell; test its capacity"))
        }
        if let ambient {
            for (index, jar) in jars.enumerated() {
                guard let temperature = jar.temperature, temperature - ambient > Self.runawayRise else { continue }
                findings.append(
                    finding(
                        "thermal_runaway", .critical, metric: Reading.jarMetricName(index, "temperature_c"),
                        jar: index + 1, value: temperature - ambient, limit: Self.runawayRise,
                        message:
                            "jar \(index + 1) is \(Evaluator.format(temperature - ambient)) °C above the room "
                            + "(\(Evaluator.format(temperature)) °C)",
                        recommendation:
                            "reduce the float voltage or open the string now; check jar \(index + 1) for swelling"))
            }
        }
        if isAtRest, let target = stringFloatTarget, let stringVoltage, !jars.isEmpty {
            let perJar = (stringVoltage - target) / Double(jars.count)
            if abs(perJar) > Self.floatWindow {
                findings.append(
                    finding(
                        perJar > 0 ? "float_voltage_high" : "float_voltage_low", .warning, metric: "string_voltage_v",
                        jar: nil, value: stringVoltage, limit: target,
                        message:
                            "the string floats at \(Evaluator.format(stringVoltage)) V, "
                            + "\(Evaluator.format(abs(perJar))) V a jar \(perJar > 0 ? "above" : "below") the "
                            + "\(Evaluator.format(target)) V target for the room's temperature",
                        recommendation: "check the charger's float setting and its temperature compensation"))
            }
        }
        if let resistance = linkResistance, resistance >= Self.linkWarning {
            let critical = resistance >= Self.linkCritical
            findings.append(
                finding(
                    "connection_resistance_high", critical ? .critical : .warning, metric: "string_voltage_v", jar: nil,
                    value: resistance * 1000, limit: (critical ? Self.linkCritical : Self.linkWarning) * 1000,
                    message:
                        "the links between the jars drop \(Evaluator.format(linkDrop ?? 0)) V at "
                        + "\(Evaluator.format(current ?? 0)) A: \(Evaluator.format(resistance * 1000)) mΩ",
                    recommendation: "re-torque the inter-jar connections and look for a corroded or loose link"))
        }
        return findings
    }

    /// What the evaluation shows beside the findings: the twin's expectation and the spread.
    func derived() -> [String: Double] {
        var derived: [String: Double] = [:]
        if let target = stringFloatTarget { derived["float_target_v"] = target }
        if let sum = jarSum { derived["jar_sum_v"] = sum }
        let voltage = deviations(\.voltage).compactMap { $0 }
        if let worst = voltage.max(by: { abs($0) < abs($1) }) { derived["jar_voltage_deviation_max_v"] = worst }
        if let worst = deviations(\.resistance).compactMap({ $0 }).max() {
            derived["jar_resistance_above_mean_max_mohm"] = worst
        }
        if let ambient, let hottest = jars.compactMap(\.temperature).max() {
            derived["jar_temperature_rise_max_c"] = hottest - ambient
        }
        if let resistance = linkResistance { derived["link_resistance_mohm"] = resistance * 1000 }
        return derived.mapValues(Evaluator.round)
    }

    private func finding(
        _ code: String, _ severity: Severity, metric: String, jar: Int?, value: Double, limit: Double, message: String,
        recommendation: String
    ) -> Finding {
        Finding(
            code: try! TopicLevel(code), severity: severity, metric: metric, jar: jar, value: Evaluator.round(value),
            limit: Evaluator.round(limit), message: message, recommendation: recommendation)
    }
}
