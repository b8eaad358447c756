public import VigilDomain

extension AlarmBook {
    /// A collector whose outbox overflowed has lost readings for good: a critical alarm on the
    /// collector itself while it keeps dropping, cleared by the first status that shows no new
    /// drops. The event history keeps the record after it clears.
    ///
    /// - Parameter previous: the `outbox_dropped` count in the agent's previous status, nil when
    ///   this is the first status seen (a baseline: an alerter restart must not re-raise old drops).
    public mutating func apply(_ status: AgentStatus, previousDropped previous: Int?, now: Timestamp)
        -> [Transition]
    {
        let key = Key(asset: status.agent, code: Self.overflowCode)
        let rule = configuration.rules.rule(for: key.code)
        guard rule.enabled else { return [] }
        let dropped = status.counters["outbox_dropped", default: 0]
        let growing = previous.map { dropped > $0 } ?? false
        guard growing || (entries[key] != nil && status.state == .online) else { return [] }
        var entry =
            entries[key]
            ?? Entry(
                alert: Alert(
                    site: status.site, asset: status.agent, code: key.code, tier: .critical, state: .normal,
                    firstRaised: now, lastChange: now, value: 0, limit: 0, jar: nil, message: "",
                    recommendation: "check that the recorder runs and can write; raise collector.outbox.max_mb"))
        if growing {
            entry.alert.value = Double(dropped)
            entry.alert.message =
                "\(status.agent) dropped \(dropped - (previous ?? 0)) readings from its full outbox "
                + "(\(dropped) since it started): they are lost"
        }
        return observe(key, &entry, growing ? (rule.tier ?? .critical) : nil, insideDeadband: true, now: now)
    }
}
