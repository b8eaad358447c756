import VigilDomain

extension ResistanceBaselines {
    /// `jar_resistance_rise` for every jar past +10 % (watch), +20 % (warning) or +50 % (critical)
    /// of its own baseline; nothing for a jar still learning.
    func findings(asset: String, string: VRLAString) -> [Finding] {
        var findings: [Finding] = []
        for (index, jar) in string.jars.enumerated() {
            guard let value = jar.resistance, let rise = rise(asset: asset, jar: index + 1, value: value),
                rise >= Self.watchRise
            else { continue }
            let critical = rise >= Self.criticalRise
            let severity: Severity = critical ? .critical : rise >= Self.warningRise ? .warning : .info
            let limit = critical ? Self.criticalRise : rise >= Self.warningRise ? Self.warningRise : Self.watchRise
            let number = index + 1
            findings.append(
                Finding(
                    code: try! TopicLevel("jar_resistance_rise"), severity: severity,
                    metric: Reading.jarMetricName(index, "resistance_mohm"), jar: number,
                    value: Evaluator.round(rise * 100), limit: limit * 100,
                    message:
                        "jar \(number) resistance \(Evaluator.format(value)) mΩ is \(Evaluator.format(rise * 100)) % "
                        + "above its baseline \(Evaluator.format(baseline(asset: asset, jar: number) ?? 0)) mΩ",
                    recommendation: Self.recommendation(severity, jar: number)))
        }
        return findings
    }

    private static func recommendation(_ severity: Severity, jar: Int) -> String {
        switch severity {
        case .critical: "replace jar \(jar); its capacity is likely below 80 %"
        case .warning: "schedule a capacity test of jar \(jar) and plan its replacement"
        case .info: "look at jar \(jar) at the next inspection; its resistance is rising"
        }
    }
}
