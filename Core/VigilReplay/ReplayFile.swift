#if canImport(Glibc)
    import Glibc
#endif

/// Reads a replay file whole: the data sets are a few megabytes, and holding the bytes lets the
/// parsers count the records up front (for progress) and then parse them lazily.
enum ReplayFile {
    static func read(_ path: String) throws(ReplayError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "cannot be opened", errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot be read", errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    private static func failure(_ path: String, _ what: String, _ code: Int32) -> ReplayError {
        ReplayError(file: path, line: 0, column: nil, reason: "\(what): \(String(cString: strerror(code)))")
    }
}
