extension EvaluationFindings {
    /// nil whenever the payload is anything but plainly valid; the caller then uses `JSONDecoder`.
    static func fastDecoded(_ bytes: [UInt8]) -> EvaluationFindings? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            guard let decoded = decode(&scanner), scanner.atEnd else { return nil }
            return decoded
        }
    }

    private static func decode(_ scanner: inout JSONScanner) -> EvaluationFindings? {
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var version: Int64?
        var site: TopicLevel?
        var asset: TopicLevel?
        var kind: AssetKind?
        var seq: Int64?
        var findings: [Finding]?
        var derived: [String: Double]?
        var names: [String] = []
        if scanner.take(UInt8(ascii: "}")) { return nil }
        repeat {
            // A repeated field is left to JSONDecoder.
            guard let key = scanner.string(), scanner.take(UInt8(ascii: ":")), !names.contains(key) else { return nil }
            names.append(key)
            switch key {
            case "v":
                guard let value = scanner.unsignedInteger() else { return nil }
                version = value
            case "site":
                guard let value = scanner.identifier() else { return nil }
                site = TopicLevel(checked: value)
            case "asset":
                guard let value = scanner.identifier() else { return nil }
                asset = TopicLevel(checked: value)
            case "kind":
                guard let value = scanner.string().flatMap({ try? AssetKind($0) }) else { return nil }
                kind = value
            case "seq":
                guard let value = scanner.unsignedInteger() else { return nil }
                seq = value
            case "findings":
                guard let value = decodeFindings(&scanner) else { return nil }
                findings = value
            case "derived":
                if scanner.literal("null") { continue }
                guard let value = scanner.numbers(identifiers: false) else { return nil }
                derived = value
            default:
                guard scanner.skipValue() else { return nil }
            }
        } while scanner.take(UInt8(ascii: ","))
        guard scanner.take(UInt8(ascii: "}")), version == 1, let site, let asset, let kind,
            let seq, let findings, names.contains("ts"), names.contains("health")
        else { return nil }
        return EvaluationFindings(
            site: site, asset: asset, kind: kind, seq: UInt64(seq), findings: findings, derived: derived)
    }

    private static func decodeFindings(_ scanner: inout JSONScanner) -> [Finding]? {
        guard scanner.take(UInt8(ascii: "[")) else { return nil }
        var findings: [Finding] = []
        if scanner.take(UInt8(ascii: "]")) { return findings }
        repeat {
            guard let finding = decodeFinding(&scanner) else { return nil }
            findings.append(finding)
        } while scanner.take(UInt8(ascii: ","))
        return scanner.take(UInt8(ascii: "]")) ? findings : nil
    }

    private static func decodeFinding(_ scanner: inout JSONScanner) -> Finding? {
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var code: TopicLevel?
        var severity: Severity?
        var metric: String?
        var jar: Int64?
        var value: Double?
        var limit: Double?
        var message: String?
        var recommendation: String?
        var names: [String] = []
        if scanner.take(UInt8(ascii: "}")) { return nil }
        repeat {
            guard let key = scanner.string(), scanner.take(UInt8(ascii: ":")), !names.contains(key) else { return nil }
            names.append(key)
            switch key {
            case "code":
                guard let text = scanner.identifier() else { return nil }
                code = TopicLevel(checked: text)
            case "severity":
                guard let text = scanner.string(), let level = Severity(rawValue: text) else { return nil }
                severity = level
            case "metric":
                guard let text = scanner.string() else { return nil }
                metric = text
            case "jar":
                if scanner.literal("null") { continue }
                guard let number = scanner.unsignedInteger() else { return nil }
                jar = number
            case "value":
                guard let number = scanner.number() else { return nil }
                value = number
            case "limit":
                guard let number = scanner.number() else { return nil }
                limit = number
            case "message":
                guard let text = scanner.string() else { return nil }
                message = text
            case "recommendation":
                guard let text = scanner.string() else { return nil }
                recommendation = text
            default:
                guard scanner.skipValue() else { return nil }
            }
        } while scanner.take(UInt8(ascii: ","))
        guard scanner.take(UInt8(ascii: "}")), let code, let severity, let metric, let value, let limit, let message,
            let recommendation
        else { return nil }
        return Finding(
            code: code, severity: severity, metric: metric, jar: jar.map { Int($0) }, value: value, limit: limit,
            message: message, recommendation: recommendation)
    }
}
