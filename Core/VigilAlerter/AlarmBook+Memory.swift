public import VigilDomain

extension AlarmBook {
    /// Everything the book knows that its configuration does not: saved by the alerter so that a
    /// restart keeps every alarm's state, its half-run delays and the event numbering.
    public struct Memory: Sendable, Equatable, Codable {
        var eventPrefix: String
        var eventCounter: UInt64
        var entries: [SavedEntry]
        var flood: FloodGate
        var discharging: [String: Int64]
        var lastEvaluation: [String: UInt64]

        struct SavedEntry: Sendable, Equatable, Codable {
            var key: Key
            var entry: Entry
        }

        enum CodingKeys: String, CodingKey {
            case flood, entries, discharging
            case eventPrefix = "event_prefix"
            case eventCounter = "event_counter"
            case lastEvaluation = "last_evaluation"
        }
    }

    public var memory: Memory {
        Memory(
            eventPrefix: eventPrefix, eventCounter: eventCounter,
            entries: entries.keys.sorted().map { Memory.SavedEntry(key: $0, entry: entries[$0]!) }, flood: flood,
            discharging: Dictionary(uniqueKeysWithValues: discharging.map { ($0.key.rawValue, $0.value) }),
            lastEvaluation: Dictionary(uniqueKeysWithValues: lastEvaluation.map { ($0.key.rawValue, $0.value) }))
    }

    public init(site: TopicLevel, memory: Memory, configuration: Configuration = Configuration()) {
        self.init(site: site, eventPrefix: memory.eventPrefix, configuration: configuration)
        eventCounter = memory.eventCounter
        entries = Dictionary(memory.entries.map { ($0.key, $0.entry) }, uniquingKeysWith: { $1 })
        flood = memory.flood
        for (asset, ms) in memory.discharging {
            if let level = try? TopicLevel(asset) { discharging[level] = ms }
        }
        for (asset, seq) in memory.lastEvaluation {
            if let level = try? TopicLevel(asset) { lastEvaluation[level] = seq }
        }
    }

    /// Adopts an alarm found retained on the broker that the saved state does not know (a lost
    /// state directory, an older alerter), so it can still be acknowledged and cleared.
    public mutating func adopt(_ alert: Alert) {
        let key = Key(asset: alert.asset, code: alert.code)
        guard entries[key] == nil, alert.state != .normal else { return }
        var entry = Entry(alert: alert)
        entry.life = AlarmLifecycle(adopting: alert, now: alert.lastChange.millisecondsSinceEpoch)
        entry.shown = true
        entries[key] = entry
    }
}
