extension Evaluation {
    /// The evaluation as JSON, written directly, keys sorted as `PayloadCodec` sorts them.
    /// `JSONEncoder` took 60 µs on a pump's evaluation, two thirds of the evaluator's work on a
    /// reading that changed, and the evaluation is on every alarm's way to the alerter.
    /// - Returns: nil if a number is not finite, which JSON cannot carry.
    public func encodedJSON() -> [UInt8]? {
        var writer = JSONWriter(capacity: 512 + findings.count * 256 + (residuals?.count ?? 0) * 96)
        writer.raw("{")
        writer.key("asset")
        writer.string(asset.rawValue)
        if let derived {
            writer.raw(",\"derived\":{")
            for (position, name) in derived.keys.sorted().enumerated() {
                if position > 0 { writer.comma() }
                writer.key(name)
                writer.number(derived[name]!)
            }
            writer.raw("}")
        }
        writer.raw(",\"findings\":[")
        for (index, finding) in findings.enumerated() {
            if index > 0 { writer.comma() }
            finding.write(to: &writer)
        }
        writer.raw("]")
        if let forecasts {
            writer.raw(",\"forecasts\":[")
            for (index, forecast) in forecasts.enumerated() {
                if index > 0 { writer.comma() }
                writer.raw("{\"limit\":")
                writer.number(forecast.limit)
                writer.raw(",\"metric\":")
                writer.string(forecast.metric)
                writer.raw(",\"p10\":")
                writer.number(forecast.p10)
                writer.raw(",\"p50\":")
                writer.number(forecast.p50)
                writer.raw(",\"p90\":")
                writer.number(forecast.p90)
                writer.raw("}")
            }
            writer.raw("]")
        }
        writer.raw(",\"health\":{\"breakdown\":[")
        for (index, part) in health.breakdown.enumerated() {
            if index > 0 { writer.comma() }
            writer.raw("{\"contribution\":")
            writer.number(part.contribution)
            writer.raw(",\"metric\":")
            writer.string(part.metric)
            writer.raw(",\"score\":")
            writer.number(part.score)
            writer.raw(",\"weight\":")
            writer.number(part.weight)
            writer.raw("}")
        }
        writer.raw("]")
        if let concern = health.primaryConcern {
            writer.raw(",\"primary_concern\":")
            writer.string(concern)
        }
        writer.raw(",\"score\":")
        writer.number(health.score)
        writer.raw("},\"kind\":")
        writer.string(kind.rawValue)
        if let residuals {
            writer.raw(",\"residuals\":[")
            for (index, residual) in residuals.enumerated() {
                if index > 0 { writer.comma() }
                writer.raw("{\"actual\":")
                writer.number(residual.actual)
                writer.raw(",\"expected\":")
                writer.number(residual.expected)
                writer.raw(",\"metric\":")
                writer.string(residual.metric)
                writer.raw(",\"z\":")
                writer.number(residual.z)
                writer.raw("}")
            }
            writer.raw("]")
        }
        if let rul {
            writer.raw(",\"rul\":{\"horizon\":")
            writer.number(rul.horizon)
            writer.raw(",\"inputs\":")
            writer.string(rul.inputs)
            writer.raw(",\"model\":")
            writer.string(rul.model)
            writer.raw(",\"p10\":")
            writer.number(rul.p10)
            writer.raw(",\"p50\":")
            writer.number(rul.p50)
            writer.raw(",\"p90\":")
            writer.number(rul.p90)
            writer.raw(",\"risk\":")
            writer.number(rul.risk)
            writer.raw(",\"unit\":")
            writer.string(rul.unit)
            writer.raw("}")
        }
        writer.raw(",\"seq\":")
        writer.integer(seq)
        writer.raw(",\"severity\":")
        writer.string(severity.rawValue)
        writer.raw(",\"site\":")
        writer.string(site.rawValue)
        if let soh {
            writer.raw(",\"soh\":")
            writer.number(soh)
        }
        writer.raw(",\"ts\":")
        writer.timestamp(ts)
        writer.raw(",\"v\":")
        writer.integer(v)
        writer.raw("}")
        return writer.wroteNonFinite ? nil : writer.bytes
    }
}

extension Finding {
    func write(to writer: inout JSONWriter) {
        writer.raw("{\"code\":")
        writer.string(code.rawValue)
        if let jar {
            writer.raw(",\"jar\":")
            writer.integer(jar)
        }
        writer.raw(",\"limit\":")
        writer.number(limit)
        writer.raw(",\"message\":")
        writer.string(message)
        writer.raw(",\"metric\":")
        writer.string(metric)
        writer.raw(",\"recommendation\":")
        writer.string(recommendation)
        writer.raw(",\"severity\":")
        writer.string(severity.rawValue)
        writer.raw(",\"value\":")
        writer.number(value)
        writer.raw("}")
    }
}
