/// An operator's action on one alarm, the body of `command/alert/<asset>/<code>/<action>`.
///
/// Payloads are untrusted: the user and comment end up in the retained alarm, the history and the
/// notification hook's environment, so they are checked here, once, with the field named.
public struct AlertCommand: Sendable, Equatable, Codable {
    public var user: String
    public var comment: String?
    /// Shelve only: how long, seconds (default one hour, at most `alerter.max_shelve_s`).
    public var durationS: Double?
    /// Echoed in the reply, so a caller can match answers to requests.
    public var requestID: String?

    public init(user: String, comment: String? = nil, durationS: Double? = nil, requestID: String? = nil) {
        self.user = user
        self.comment = comment
        self.durationS = durationS
        self.requestID = requestID
    }

    enum CodingKeys: String, CodingKey {
        case user, comment
        case durationS = "duration_s"
        case requestID = "request_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        user = try container.decode(String.self, forKey: .user)
        comment = try container.decodeIfPresent(String.self, forKey: .comment)
        durationS = try container.decodeIfPresent(Double.self, forKey: .durationS)
        requestID = try container.decodeIfPresent(String.self, forKey: .requestID)
        try Self.check(user, "user", 1...64)
        if let comment { try Self.check(comment, "comment", 0...500) }
        if let requestID { try Self.check(requestID, "request_id", 0...128) }
        if let durationS, !(durationS.isFinite && durationS > 0) {
            throw PayloadError(field: "duration_s", reason: "must be a positive number of seconds")
        }
    }

    private static func check(_ text: String, _ field: String, _ length: ClosedRange<Int>) throws(PayloadError) {
        guard length.contains(text.count) else {
            throw PayloadError(field: field, reason: "must be \(length.lowerBound)–\(length.upperBound) characters")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PayloadError(field: field, reason: "must not contain control characters")
        }
    }
}

/// The alerter's answer on `reply/alert/<asset>/<code>/<action>`: done, or why not.
public struct AlertCommandReply: Sendable, Equatable, Codable {
    public var v = 1
    public var ok: Bool
    public var action: String
    public var asset: String
    public var code: String
    public var user: String?
    public var requestID: String?
    public var reason: String?
    /// The alarm as it is after the command, when there is one.
    public var alert: Alert?
    public var ts: Timestamp

    public init(
        ok: Bool, action: String, asset: String, code: String, user: String?, requestID: String?, reason: String?,
        alert: Alert?, ts: Timestamp
    ) {
        self.ok = ok
        self.action = action
        self.asset = asset
        self.code = code
        self.user = user
        self.requestID = requestID
        self.reason = reason
        self.alert = alert
        self.ts = ts
    }

    enum CodingKeys: String, CodingKey {
        case v, ok, action, asset, code, user, reason, alert, ts
        case requestID = "request_id"
    }
}
