import VigilDomain

extension ResistanceBaselines {
    /// `jar_resistance_rise` for every jar past +20 % (warning) or +50 % (critical) of its own
    /// baseline; nothing for a jar still learning.
    func findings(asset: String, string: VRLAString) -> [Finding] {
        var findings: [Finding] = []
        for (index, jar) in string.jars.enumerated() {
            guard let value = jar.resistance, let rise = rise(asset: asset, jar: index + 1, value: value),
                rise >= Self.warningRise
            else { continue }
            let critical = rise >= Self.criticalRise
            let number = index + 1
            findings.append(
                Finding(
                    code: try! TopicLevel("jar_resistance_rise"), severity: critical ? .critical : .warning,
                    metric: Reading.jarMetricName(index, "resistance_mohm"), jar: number,
                    value: Evaluator.round(rise * 100), limit: (critical ? Self.criticalRise : Self.warningRise) * 100,
                    message:
                        "jar \(number) resistance \(Evaluator.format(value)) mΩ is \(Evaluator.format(rise * 100)) % "
                        + "above its baseline \(Evaluator.format(baseline(asset: asset, jar: number) ?? 0)) mΩ",
                    recommendation:
                        critical
                        ? "replace jar \(number); its capacity is likely below 80 %"
                        : "schedule a capacity test of jar \(number) and plan its replacement"))
        }
        return findings
    }
}
