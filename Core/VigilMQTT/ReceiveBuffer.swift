internal import CMosquittoRead

/// What the network thread has received from the broker and libmosquitto has not read yet.
///
/// libmosquitto reads a packet with three or four `read` calls (its type, each byte of its length,
/// its body). `CMosquittoRead` serves those from one `recv` of up to 64 KiB while `reading` runs,
/// so a turn of the loop costs a system call or two instead of three a message. What is buffered
/// belongs to one connection: `reset` forgets it once libmosquitto has closed that socket, before
/// a new one can be given the same number.
final class ReceiveBuffer {
    private let buffer: OpaquePointer

    /// Nil when there is no memory for the buffer: libmosquitto then reads the socket itself.
    init?() {
        guard let buffer = vigil_read_buffer_create() else { return nil }
        self.buffer = buffer
    }

    deinit { vigil_read_buffer_destroy(buffer) }

    /// Runs `body` with libmosquitto's reads of `socket`, on this thread, served from the buffer.
    func reading<Result>(_ socket: Int32, _ body: () -> Result) -> Result {
        vigil_read_buffer_begin(buffer, socket)
        defer { vigil_read_buffer_end() }
        return body()
    }

    /// Bytes the socket's `poll` no longer shows: the loop must not wait while there are any.
    var pending: Int { vigil_read_buffer_pending(buffer) }

    func reset() { vigil_read_buffer_reset(buffer) }
}
