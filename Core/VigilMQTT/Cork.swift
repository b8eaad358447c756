internal import Glibc

/// `TCP_CORK` on the client's socket for one turn of the network loop: segments are only sent
/// when full or when the cork is released, so a turn's many small packets share a few segments.
/// What other threads publish during the turn waits for its end too, but only the time the turn
/// spends outside message callbacks: while the thread is inside one, libmosquitto only queues
/// other threads' publishes (its `in_callback`), cork or not, and this thread writes them after.
///
/// A Unix socket has no cork; the first refusal is remembered for as long as that socket lives,
/// so an agent on `broker.socket` does not pay a failing system call every turn.
struct Cork {
    private var refused: Int32 = -1
    private var held: Int32 = -1

    mutating func hold(_ socket: Int32) {
        guard socket != refused, held < 0 else { return }
        if Self.set(socket, on: true) {
            held = socket
        } else if errno == EOPNOTSUPP || errno == ENOPROTOOPT {
            refused = socket
        }
    }

    /// `stillOpen` false: libmosquitto closed the socket during the turn, and its number may
    /// already belong to another file, which must not be touched.
    mutating func release(_ socket: Int32, stillOpen: Bool) {
        guard held == socket else { return }
        held = -1
        if stillOpen { _ = Self.set(socket, on: false) }
    }

    private static func set(_ socket: Int32, on: Bool) -> Bool {
        var value: Int32 = on ? 1 : 0
        return setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }
}
