/// A change of the connection, for status reporting and logs.
public enum MQTTConnectionEvent: Sendable, Equatable {
    /// `sessionPresent` tells whether the broker kept the previous session (and so its subscriptions).
    case connected(sessionPresent: Bool)
    /// The link went down; unless `disconnect()` was called, the client is already retrying.
    case disconnected(reason: String)
    /// The broker answered CONNECT with a refusal (bad credentials, not authorised, …).
    case connectFailed(reason: String)
}
