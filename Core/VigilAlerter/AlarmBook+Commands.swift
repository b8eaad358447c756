public import VigilDomain

extension AlarmBook {
    /// An operator's acknowledgement, shelve or unshelve. Refused, with the reason for the reply
    /// topic, when there is no such alarm or its state does not allow it.
    public mutating func command(
        _ action: Topics.AlertAction, _ key: Key, _ body: AlertCommand, now: Timestamp
    ) throws(AlarmLifecycle.Refusal) -> [Transition] {
        guard var entry = entries[key], entry.shown || entry.grouped else {
            throw AlarmLifecycle.Refusal(description: "there is no alarm \(key) (it is normal or was never raised)")
        }
        let ms = now.millisecondsSinceEpoch
        let events: [AlarmLifecycle.Event]
        switch action {
        case .ack:
            events = try entry.life.acknowledge(user: body.user, now: ms)
        case .shelve:
            let seconds = body.durationS ?? 3600
            let duration = Int64(seconds * 1000)
            guard duration <= configuration.maxShelve else {
                throw AlarmLifecycle.Refusal(
                    description: "duration_s \(seconds) is longer than the allowed \(configuration.maxShelve / 1000) s")
            }
            events = try entry.life.shelve(until: ms + duration, now: ms)
            entry.alert.shelvedBy = body.user
        case .unshelve:
            events = try entry.life.unshelve(now: ms)
        }
        if body.comment != nil { entry.alert.comment = body.comment }
        let transitions = emit(key, &entry, events, now: now, user: body.user, comment: body.comment)
        store(key, entry)
        return transitions
    }
}
