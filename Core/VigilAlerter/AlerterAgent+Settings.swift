import VigilDomain
public import VigilOutbox
public import VigilRuntime

extension AlerterAgent {
    public struct Settings: Sendable, Equatable {
        /// Alarm transitions wait here until the recorder acknowledges them, like readings.
        public var outbox: OutboxSettings
        public var book: AlarmBook.Configuration
        public var hook: NotificationHook.Settings
    }

    public static func settings(from section: ConfigNode) throws(ConfigError) -> Settings {
        try section.requireOnly(["outbox", "rules", "maintenance", "discharge_hold_s", "flood", "max_shelve_s", "hook"])
        var book = AlarmBook.Configuration()
        book.rules = try AlarmRules(try section.child("rules"))
        book.dischargeHold = Int64(try section.double("discharge_hold_s", default: 900, in: 0...604_800) * 1000)
        book.maxShelve = Int64(try section.double("max_shelve_s", default: 86_400, in: 60...2_592_000) * 1000)
        let flood = try section.child("flood")
        try flood.requireOnly(["limit", "window_s"])
        book.floodLimit = try flood.int("limit", default: 10, in: 1...100_000)
        book.floodWindow = Int64(try flood.double("window_s", default: 600, in: 1...86_400) * 1000)
        for window in try section.list("maintenance") {
            try window.requireOnly(["asset", "from", "to", "reason"])
            func time(_ name: String) throws(ConfigError) -> Timestamp {
                guard let text = try window.optionalString(name) else {
                    throw ConfigError(
                        key: window.key(name), reason: "is required (RFC 3339, e.g. 2026-12-01T08:00:00Z)")
                }
                guard let value = Timestamp(rfc3339: text) else {
                    throw ConfigError(key: window.key(name), reason: "\"\(text)\" is not an RFC 3339 time")
                }
                return value
            }
            guard let name = try window.optionalString("asset"), let asset = try? TopicLevel(name) else {
                throw ConfigError(key: window.key("asset"), reason: "is required: one topic level of [A-Za-z0-9_.-]")
            }
            let from = try time("from")
            let to = try time("to")
            guard from < to else { throw ConfigError(key: window.key("to"), reason: "must be after from") }
            book.maintenance.append(
                MaintenanceWindow(asset: asset, from: from, to: to, reason: try window.string("reason", default: "")))
        }
        return Settings(
            outbox: try OutboxSettings(try section.child("outbox")), book: book,
            hook: try hookSettings(try section.child("hook")))
    }

    static func hookSettings(_ node: ConfigNode) throws(ConfigError) -> NotificationHook.Settings {
        try node.requireOnly(["command", "on", "min_tier", "timeout_s", "max_pending"])
        var hook = NotificationHook.Settings()
        for item in try node.list("command") {
            guard let argument = item.node.stringValue else {
                throw ConfigError(key: item.path, reason: "expected a string")
            }
            hook.command.append(argument)
        }
        if let program = hook.command.first, !program.hasPrefix("/") {
            throw ConfigError(
                key: node.key("command"), reason: "the program must be an absolute path, not \"\(program)\"")
        }
        if node.contains("on") {
            hook.transitions = []
            for item in try node.list("on") {
                guard let name = item.node.stringValue, let transition = AlertEvent.Transition(rawValue: name) else {
                    throw ConfigError(
                        key: item.path,
                        reason: "expected one of "
                            + "raised, escalated, deescalated, cleared, acknowledged, shelved, unshelved, suppressed, unsuppressed"
                    )
                }
                hook.transitions.insert(transition)
            }
        }
        let tier = try node.string("min_tier", default: "warning")
        guard let minimum = Severity(rawValue: tier) else {
            throw ConfigError(key: node.key("min_tier"), reason: "expected info, warning or critical")
        }
        hook.minimumTier = minimum
        hook.timeoutMs = Int(try node.double("timeout_s", default: 10, in: 0.1...600) * 1000)
        hook.maxPending = try node.int("max_pending", default: 100, in: 1...100_000)
        return hook
    }
}
