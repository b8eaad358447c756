public import VigilMQTT

/// The seam between an agent's logic and the broker; `MQTTClient` is the one real implementation.
public protocol MessageBus: Sendable {
    /// Returns once the broker has the message (QoS 1: after PUBACK).
    func publish(_ message: MQTTMessage) async throws
    /// Hands the message to the client without waiting, for producers that must not stall.
    func enqueue(_ message: MQTTMessage) throws
    /// Whether a publish now reaches the broker; the collector keeps readings in its outbox otherwise.
    var isConnected: Bool { get }
    /// Messages handed over and not yet acknowledged by the broker; producers of bulk (the outbox)
    /// wait on it so the client's own queue stays small.
    var outstandingPublishes: Int { get }
    /// Connections lost so far; the evaluator republishes its retained state after one.
    var disconnections: UInt64 { get }
}

// The client's typed-throws methods already satisfy the protocol.
extension MQTTClient: MessageBus {}
