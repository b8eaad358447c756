import Glibc
import Testing

@testable import VigilMQTT

/// `ReceiveBuffer` and the `read` it puts in libmosquitto's place, against a real socket pair.
struct ReceiveBufferTests {
    @Test("inside `reading`, one recv takes what the socket holds and reads are served from it")
    func servesFromOneReceive() throws {
        try Self.withPair { mine, peer, buffer in
            Self.send(peer, "abcdef")
            let (first, rest) = buffer.reading(mine) { (Self.read(mine, 1), Self.read(mine, 10)) }
            #expect(first == "a")
            // Short of what was asked, as a socket read may be: libmosquitto reads on.
            #expect(rest == "bcdef")
            #expect(buffer.pending == 0)

            Self.send(peer, "ghij")
            let head = buffer.reading(mine) { Self.read(mine, 2) }
            #expect(head == "gh")
            #expect(buffer.pending == 2)
            // What was buffered comes first, in order, in the next turn.
            #expect(buffer.reading(mine) { Self.read(mine, 2) } == "ij")
        }
    }

    @Test("outside `reading`, and for any other descriptor, read is the system's")
    func passesOtherReadsThrough() throws {
        try Self.withPair { mine, peer, buffer in
            let (other, otherPeer) = try Self.pair()
            defer {
                close(other)
                close(otherPeer)
            }
            Self.send(peer, "abc")
            Self.send(otherPeer, "xyz")
            // Another file on the same thread, while the buffer is in force: untouched by it.
            let fromOther = buffer.reading(mine) { Self.read(other, 1) }
            #expect(fromOther == "x")
            #expect(buffer.pending == 0)
            // No buffer in force: the socket's bytes are read where they are.
            #expect(Self.read(mine, 1) == "a")
            #expect(Self.read(other, 5) == "yz")
            #expect(buffer.reading(mine) { Self.read(mine, 5) } == "bc")
        }
    }

    @Test("a socket that ran dry says EAGAIN, as libmosquitto expects, and reset forgets what was held")
    func dryAndReset() throws {
        try Self.withPair { mine, peer, buffer in
            let (result, code) = buffer.reading(mine) { () -> (Int, Int32) in
                var byte: UInt8 = 0
                errno = 0
                return (Glibc.read(mine, &byte, 1), errno)
            }
            #expect(result == -1)
            #expect(code == EAGAIN)

            Self.send(peer, "old connection")
            #expect(buffer.reading(mine) { Self.read(mine, 4) } == "old ")
            buffer.reset()
            #expect(buffer.pending == 0)
            // The socket holds nothing more: what reset dropped is gone. As if a new connection had
            // been given the same number, only its own bytes are read.
            #expect(Self.read(mine, 64) == "")
            Self.send(peer, "new")
            #expect(buffer.reading(mine) { Self.read(mine, 8) } == "new")
        }
    }

    /// A socket pair, `mine` non-blocking as libmosquitto's socket is, and a fresh buffer; both
    /// ends are closed after `body`.
    private static func withPair(
        _ body: (_ mine: Int32, _ peer: Int32, _ buffer: ReceiveBuffer) throws -> Void
    ) throws {
        let (mine, peer) = try pair()
        defer {
            close(mine)
            close(peer)
        }
        try body(mine, peer, try #require(ReceiveBuffer()))
    }

    private static func pair() throws -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        return (ends[0], ends[1])
    }

    private static func send(_ socket: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
    }

    private static func read(_ socket: Int32, _ count: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { Glibc.read(socket, $0.baseAddress, count) }
        return got > 0 ? String(decoding: bytes.prefix(got), as: UTF8.self) : ""
    }
}
