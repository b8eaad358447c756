import Foundation

/// A Modbus TCP server on loopback that answers reads of a fixed register image, one thread per
/// connection, with one `recv` and one `send` a request.
///
/// The benchmark measures the collector, and on a 2-core machine the peer competes with it for
/// CPU. libmodbus's own server reads each request in several select+recv steps; this one does
/// the least work a correct peer can, so the figure reflects Vigil rather than its test peer.
/// It answers function codes 3 and 4 only and is not a conformance reference: the tests use
/// pymodbus for that.
final class BenchModbusPeer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let image: [UInt16]

    init(input image: [UInt16]) throws {
        self.image = image
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSDebugDescriptionErrorKey: "bench peer: \(errno)"])
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func start() {
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var one: Int32 = 1
                setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                Thread.detachNewThread { [self] in serve(client) }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var request = [UInt8](repeating: 0, count: 260)
        var response = [UInt8](repeating: 0, count: 260)
        var have = 0
        while true {
            let got = request.withUnsafeMutableBytes { recv(client, $0.baseAddress! + have, 260 - have, 0) }
            guard got > 0 else { return }
            have += got
            // MBAP: transaction(2) protocol(2) length(2) unit(1), then the PDU.
            while have >= 7, have >= 6 + (Int(request[4]) << 8 | Int(request[5])) {
                let frame = 6 + (Int(request[4]) << 8 | Int(request[5]))
                let size = answer(request, into: &response)
                let sent = response.withUnsafeBytes { send(client, $0.baseAddress!, size, Int32(MSG_NOSIGNAL)) }
                guard sent == size else { return }
                request.replaceSubrange(0..<have - frame, with: request[frame..<have])
                have -= frame
            }
        }
    }

    /// Builds the reply to one complete request frame and returns its length.
    private func answer(_ request: [UInt8], into response: inout [UInt8]) -> Int {
        for index in 0..<4 { response[index] = request[index] }
        response[6] = request[6]
        let function = request[7]
        let address = Int(request[8]) << 8 | Int(request[9])
        let count = Int(request[10]) << 8 | Int(request[11])
        guard function == 3 || function == 4 else { return exception(function, code: 1, into: &response) }
        guard (1...125).contains(count), address + count <= image.count else {
            return exception(function, code: 2, into: &response)
        }
        response[7] = function
        response[8] = UInt8(count * 2)
        for index in 0..<count {
            let value = image[address + index]
            response[9 + 2 * index] = UInt8(value >> 8)
            response[10 + 2 * index] = UInt8(value & 0xff)
        }
        let pdu = 2 + count * 2
        response[4] = UInt8((pdu + 1) >> 8)
        response[5] = UInt8((pdu + 1) & 0xff)
        return 7 + pdu
    }

    private func exception(_ function: UInt8, code: UInt8, into response: inout [UInt8]) -> Int {
        response[4] = 0
        response[5] = 3
        response[7] = function | 0x80
        response[8] = code
        return 9
    }
}
