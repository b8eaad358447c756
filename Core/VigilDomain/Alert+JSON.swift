extension Alert {
    /// The alert as JSON, written directly, keys sorted as `PayloadCodec` sorts them: `JSONEncoder`
    /// took over 100 µs of the alerter's way from an evaluation to its alarm.
    /// - Returns: nil if a number is not finite, which JSON cannot carry.
    public func encodedJSON() -> [UInt8]? {
        var writer = JSONWriter(capacity: 256 + message.utf8.count + recommendation.utf8.count)
        write(to: &writer)
        return writer.wroteNonFinite ? nil : writer.bytes
    }

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        if let acknowledgedAt {
            writer.raw("\"acknowledged_at\":")
            writer.timestamp(acknowledgedAt)
            writer.comma()
        }
        if let acknowledgedBy {
            writer.raw("\"acknowledged_by\":")
            writer.string(acknowledgedBy)
            writer.comma()
        }
        writer.raw("\"asset\":")
        writer.string(asset.rawValue)
        writer.raw(",\"code\":")
        writer.string(code.rawValue)
        if let comment {
            writer.raw(",\"comment\":")
            writer.string(comment)
        }
        writer.raw(",\"first_raised\":")
        writer.timestamp(firstRaised)
        if let grouped {
            writer.raw(",\"grouped\":[")
            for (index, name) in grouped.enumerated() {
                if index > 0 { writer.comma() }
                writer.string(name)
            }
            writer.raw("]")
        }
        if let jar {
            writer.raw(",\"jar\":")
            writer.integer(jar)
        }
        writer.raw(",\"last_change\":")
        writer.timestamp(lastChange)
        if let lastRaised {
            writer.raw(",\"last_raised\":")
            writer.timestamp(lastRaised)
        }
        writer.raw(",\"limit\":")
        writer.number(limit)
        writer.raw(",\"message\":")
        writer.string(message)
        writer.raw(",\"recommendation\":")
        writer.string(recommendation)
        if let shelvedBy {
            writer.raw(",\"shelved_by\":")
            writer.string(shelvedBy)
        }
        if let shelvedUntil {
            writer.raw(",\"shelved_until\":")
            writer.timestamp(shelvedUntil)
        }
        writer.raw(",\"site\":")
        writer.string(site.rawValue)
        writer.raw(",\"state\":")
        writer.string(state.rawValue)
        writer.raw(",\"tier\":")
        writer.string(tier.rawValue)
        writer.raw(",\"v\":")
        writer.integer(v)
        writer.raw(",\"value\":")
        writer.number(value)
        writer.raw("}")
    }
}

extension AlertEvent {
    /// The event as JSON, written directly like `Alert.encodedJSON()`.
    /// - Returns: nil if a number is not finite, which JSON cannot carry.
    public func encodedJSON() -> [UInt8]? {
        var writer = JSONWriter(capacity: 384 + alert.message.utf8.count + alert.recommendation.utf8.count)
        writer.raw("{\"alert\":")
        alert.write(to: &writer)
        if let alerter {
            writer.raw(",\"alerter\":")
            writer.string(alerter.rawValue)
        }
        if let comment {
            writer.raw(",\"comment\":")
            writer.string(comment)
        }
        writer.raw(",\"event_id\":")
        writer.string(eventID)
        if let previousTier {
            writer.raw(",\"previous_tier\":")
            writer.string(previousTier.rawValue)
        }
        if let seq {
            writer.raw(",\"seq\":")
            writer.integer(seq)
        }
        writer.raw(",\"transition\":")
        writer.string(transition.rawValue)
        writer.raw(",\"ts\":")
        writer.timestamp(ts)
        if let user {
            writer.raw(",\"user\":")
            writer.string(user)
        }
        writer.raw(",\"v\":")
        writer.integer(v)
        writer.raw("}")
        return writer.wroteNonFinite ? nil : writer.bytes
    }
}
