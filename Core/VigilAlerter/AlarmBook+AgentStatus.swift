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
        let code = try! TopicLevel("outbox_overflow")
        let key = Key(asset: status.agent, code: code)
        let dropped = status.counters["outbox_dropped", default: 0]
        let growing = previous.map { dropped > $0 } ?? false
        switch (growing, active[key]) {
        case (true, nil):
            let alert = Alert(
                site: status.site, asset: status.agent, code: code, tier: .critical, state: .activeUnacked,
                firstRaised: now, lastChange: now, value: Double(dropped), limit: 0, jar: nil,
                message: "\(status.agent) dropped \(dropped - (previous ?? 0)) readings from its full outbox "
                    + "(\(dropped) since it started): they are lost",
                recommendation: "check that the recorder runs and can write; raise collector.outbox.max_mb")
            active[key] = alert
            return [transition(.raised, nil, alert, now)]
        case (false, let alert?) where status.state == .online:
            return [clear(key, alert, now)]
        default:
            return []
        }
    }
}
