import Glibc
import Testing

@testable import VigilMQTT

/// `Cork` against real sockets: a loopback TCP connection and a Unix socket pair.
struct CorkTests {
    @Test("a TCP socket is corked while held and uncorked when released")
    func tcp() throws {
        try Self.withLoopbackConnection { client in
            var cork = Cork()
            cork.hold(client)
            #expect(Self.corked(client) == 1)
            // A second hold in the same turn changes nothing, and one release ends it.
            cork.hold(client)
            cork.release(client, stillOpen: true)
            #expect(Self.corked(client) == 0)
        }
    }

    @Test("a socket closed during the turn is not touched when released")
    func closedDuringTurn() throws {
        try Self.withLoopbackConnection { client in
            var cork = Cork()
            cork.hold(client)
            // As if libmosquitto had closed it: the number must be left alone, whoever has it now.
            cork.release(client, stillOpen: false)
            #expect(Self.corked(client) == 1)
            // Released all the same: the next turn corks afresh.
            cork.hold(client)
            cork.release(client, stillOpen: true)
            #expect(Self.corked(client) == 0)
        }
    }

    @Test("a Unix socket refuses the cork, and nothing breaks")
    func unixSocket() {
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer {
            close(pair[0])
            close(pair[1])
        }
        var cork = Cork()
        cork.hold(pair[0])
        cork.release(pair[0], stillOpen: true)
        cork.hold(pair[0])
        cork.release(pair[0], stillOpen: true)
        #expect(write(pair[0], "x", 1) == 1)
        var byte: UInt8 = 0
        #expect(read(pair[1], &byte, 1) == 1)
    }

    private static func corked(_ socket: Int32) -> Int32 {
        var value: Int32 = -1
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, &length) == 0 ? value : -1
    }

    /// Runs `body` with the client end of a fresh loopback TCP connection, closing both ends after.
    private static func withLoopbackConnection(_ body: (Int32) throws -> Void) throws {
        let (client, server) = try loopbackConnection()
        defer {
            close(client)
            close(server)
        }
        try body(client)
    }

    private static func loopbackConnection() throws -> (Int32, Int32) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 1) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        try #require(bound)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) == 0 }
        }
        try #require(connected)
        let server = accept(listener, nil, nil)
        try #require(server >= 0)
        return (client, server)
    }
}
