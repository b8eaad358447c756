import VigilMQTT

/// A client's messages with a `nil` between them every `interval`, so one loop can wait for a
/// message or for quiet without locks: the commands that read retained topics until the broker
/// goes quiet, wait for an agent's answer, or print a periodic summary.
///
/// Takes the client's one message stream; a command reads it through one feed only.
struct TickedMessages {
    let items: AsyncStream<MQTTMessage?>
    private let tasks: [Task<Void, Never>]

    init(_ messages: AsyncStream<MQTTMessage>, every interval: Duration) {
        let (items, sink) = AsyncStream.makeStream(of: MQTTMessage?.self)
        self.items = items
        tasks = [
            Task {
                for await message in messages { sink.yield(message) }
                sink.finish()
            },
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    sink.yield(nil)
                }
            },
        ]
    }

    func cancel() { for task in tasks { task.cancel() } }
}
