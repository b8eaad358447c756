import VigilDomain

extension AlarmBook {
    var floodKey: Key { Key(asset: site, code: Self.floodCode) }

    mutating func admit(now: Timestamp) -> Bool {
        flood.admit(
            now: now.millisecondsSinceEpoch, limit: configuration.floodLimit, window: configuration.floodWindow)
    }

    /// One more alarm held back: the flood alarm is raised, or its count goes up.
    mutating func floodGrouped(_ key: Key, now: Timestamp) -> [Transition] {
        var entry = entries[floodKey] ?? floodEntry(now: now)
        if !(entry.alert.grouped ?? []).contains(key.description) {
            entry.alert.grouped = (entry.alert.grouped ?? []) + [key.description]
        }
        return floodUpdate(&entry, condition: .warning, now: now)
    }

    /// An alarm the flood held escalated to critical: it is announced on its own now.
    mutating func floodReleased(_ key: Key, now: Timestamp) -> [Transition] {
        guard var entry = entries[floodKey] else { return [] }
        entry.alert.grouped?.removeAll { $0 == key.description }
        return floodUpdate(&entry, condition: entry.life.condition, now: now)
    }

    /// The flood alarm holds while the rate stays above the limit. When it clears, the alarms it
    /// held that are still active are announced one by one: the rate is low again, and an
    /// alarm that is still true must not stay hidden.
    mutating func floodTick(now: Timestamp) -> [Transition] {
        let ms = now.millisecondsSinceEpoch
        flood.prune(now: ms, window: configuration.floodWindow)
        var transitions: [Transition] = []
        if var entry = entries[floodKey] {
            let flooding = flood.isFlooding(now: ms, limit: configuration.floodLimit, window: configuration.floodWindow)
            transitions = floodUpdate(&entry, condition: flooding ? .warning : nil, now: now)
        }
        guard entries[floodKey]?.life.isActive != true else { return transitions }
        for key in entries.keys.filter({ entries[$0]!.grouped }).sorted() {
            var held = entries[key]!
            held.grouped = false
            if held.life.isActive, let tier = held.life.tier {
                transitions += emit(key, &held, [.raised(tier)], now: now, floodCheck: false)
            }
            store(key, held)
        }
        return transitions
    }

    private mutating func floodUpdate(_ entry: inout Entry, condition: Severity?, now: Timestamp) -> [Transition] {
        let count = entry.alert.grouped?.count ?? 0
        let changed = Double(count) != entry.alert.value
        entry.alert.value = Double(count)
        entry.alert.message =
            "alarm flood: more than \(configuration.floodLimit) new alarms in "
            + "\(configuration.floodWindow / 60_000) min; \(count) held back here: "
            + (entry.alert.grouped ?? []).prefix(20).joined(separator: ", ")
            + (count > 20 ? " …" : "")
        var transitions = observe(floodKey, &entry, condition, insideDeadband: true, now: now)
        if transitions.isEmpty, changed, let current = entries[floodKey], current.shown {
            transitions.append(Transition(event: nil, retained: snapshot(current), key: floodKey, notify: false))
        }
        if let current = entries[floodKey], !current.life.isActive, current.life.base == .normal {
            entries[floodKey]?.alert.grouped = []
        }
        return transitions
    }

    private func floodEntry(now: Timestamp) -> Entry {
        Entry(
            alert: Alert(
                site: site, asset: site, code: Self.floodCode, tier: .warning, state: .normal, firstRaised: now,
                lastChange: now, value: 0, limit: Double(configuration.floodLimit), jar: nil, message: "",
                recommendation: "find the common cause (a power event, a failed link, a bad configuration) "
                    + "before working through the alarms it holds"))
    }
}
