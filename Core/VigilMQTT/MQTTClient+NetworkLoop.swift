internal import CMosquitto
internal import Glibc

extension MQTTClient {
    /// The client's own network loop, in place of libmosquitto's thread (`mosquitto_loop_start`).
    ///
    /// That thread waits in `pselect` before every packet it reads, and while it runs, a publish
    /// from any other thread is only queued and announced with a byte on a socket pair, so the
    /// thread wakes again to write it. At a few thousand readings a second that was a `pselect` per
    /// message in every subscriber and a thread wake-up per reading in the collector. Here the
    /// socket is read until it is empty, and with no libmosquitto thread of its own a publish is
    /// written by the thread that makes it (libmosquitto's own locks serialise the writes).
    /// Reconnecting keeps libmosquitto's backoff: the minimum delay times (attempt + 1)², capped.
    func runNetworkLoop(_ thread: NetworkThread) {
        var attempts = 0
        var stopDeadline: ContinuousClock.Instant?
        var cork = Cork()
        // A TLS connection is read through OpenSSL, which buffers records itself.
        let received = configuration.tls == nil ? ReceiveBuffer() : nil
        while true {
            let socket = mosquitto_socket(handle)
            if thread.isStopping {
                // A DISCONNECT may still be on its way: the broker closes the connection once it has it,
                // which keeps it from publishing the Last Will. A connect still pending is abandoned.
                guard socket >= 0, isConnected else { return }
                let deadline = stopDeadline ?? .now + .seconds(2)
                stopDeadline = deadline
                if ContinuousClock.now >= deadline {
                    // Connected again while being stopped: say goodbye once more rather than leave a
                    // session the broker would end with the Last Will.
                    _ = mosquitto_disconnect(handle)
                    return
                }
            }
            guard socket >= 0 else {
                received?.reset()
                waitForStop(thread, milliseconds: reconnectDelay(afterAttempts: attempts) * 1000)
                if thread.isStopping { return }
                // Counted whatever the outcome, as libmosquitto counts: a broker that accepts the TCP
                // connection and refuses the CONNACK backs off too.
                attempts += 1
                // Without waiting for the TCP handshake (the poll below does), so a stop is never
                // stuck behind a broker that does not answer.
                _ = mosquitto_reconnect_async(handle)
                continue
            }
            let reading = thread.mayRead
            if !reading { thread.acknowledgePause() }
            var fds = [
                pollfd(
                    fd: socket,
                    events: (reading ? Int16(POLLIN) : 0) | (mosquitto_want_write(handle) ? Int16(POLLOUT) : 0),
                    revents: 0),
                pollfd(fd: thread.wake, events: Int16(POLLIN), revents: 0),
            ]
            // What libmosquitto has not read from the buffer yet, poll cannot see: no waiting then.
            let buffered = reading && (received?.pending ?? 0) > 0
            // A second at most, so keepalive pings go out on time on a quiet link.
            let ready = poll(&fds, 2, buffered ? 0 : 1000)
            if buffered { fds[0].revents |= Int16(POLLIN) }
            if ready < 0 && errno != EINTR { usleep(1000) }
            if fds[1].revents != 0 { thread.drain() }
            var rc = MOSQ_ERR_SUCCESS.rawValue
            if reading, fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                rc =
                    received?.reading(socket) { readWhileAvailable(thread, socket: socket, cork: &cork) }
                    ?? readWhileAvailable(thread, socket: socket, cork: &cork)
            } else if fds[0].revents & Int16(POLLHUP | POLLERR) != 0 {
                // A dead link while paused: poll reports it at once every time; the stop that
                // follows the pause reads it.
                usleep(10_000)
            }
            if rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(handle) >= 0, mosquitto_want_write(handle) {
                rc = mosquitto_loop_write(handle, 1)
            }
            if rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(handle) >= 0 {
                _ = mosquitto_loop_misc(handle)
            }
            if let turnEnded = messageHandler.withLock({ $0 })?.turnEnded { turnEnded() }
            if attempts > 0 && isConnected { attempts = 0 }
            // libmosquitto closed the connection (an error, a missed keepalive): what is left in the
            // buffer came from it and must never be read as the start of the next one.
            if mosquitto_socket(handle) != socket { received?.reset() }
        }
    }

    /// Reads packets until the socket has none left (libmosquitto reads one per call for a QoS 0
    /// subscriber), a bounded number at a time so writes and keepalive get their turn.
    ///
    /// libmosquitto writes what a packet read calls for at once: the PUBACK of a QoS 1 message, and
    /// for a publisher at its in-flight limit the next queued publish. That is a TCP segment, and a
    /// wake-up of the broker, per packet. From the third packet of a turn on, the socket is corked,
    /// so what the turn writes leaves in full segments when it ends.
    private func readWhileAvailable(_ thread: NetworkThread, socket: Int32, cork: inout Cork) -> Int32 {
        defer { cork.release(socket, stillOpen: mosquitto_socket(handle) == socket) }
        for packet in 0..<256 {
            // A pause takes effect between two packets: each one read has reached its consumer.
            if !thread.mayRead { return MOSQ_ERR_SUCCESS.rawValue }
            // Not for one or two: a quiet link would pay two system calls a packet for nothing.
            if packet == 2 { cork.hold(socket) }
            errno = 0
            let rc = mosquitto_loop_read(handle, 1)
            // libmosquitto leaves EAGAIN in errno when the socket ran dry, as its own loop relies on.
            if rc != MOSQ_ERR_SUCCESS.rawValue || errno == EAGAIN || mosquitto_socket(handle) < 0 { return rc }
        }
        return MOSQ_ERR_SUCCESS.rawValue
    }

    private func reconnectDelay(afterAttempts attempts: Int) -> Int {
        let minimum = configuration.reconnectDelayMin
        let maximum = configuration.reconnectDelayMax
        let grown = minimum.multipliedReportingOverflow(by: (min(attempts, 1000) + 1) * (min(attempts, 1000) + 1))
        return grown.overflow ? maximum : min(grown.partialValue, maximum)
    }

    /// Sleeps until `milliseconds` pass or a stop is requested (other wake-ups are drained).
    private func waitForStop(_ thread: NetworkThread, milliseconds: Int) {
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        while !thread.isStopping {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            var fds = [pollfd(fd: thread.wake, events: Int16(POLLIN), revents: 0)]
            let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1
            if poll(&fds, 1, Int32(clamping: milliseconds)) > 0 { thread.drain() }
        }
    }

    /// A packet another thread queued but could not write whole (the socket was full, or the
    /// network thread was inside a callback) waits for the network thread: wake it.
    func wakeNetworkThreadIfPending() {
        if mosquitto_want_write(handle) { network.signal() }
    }
}
