import Glibc

/// A fresh directory per test, so tests run in parallel on real files without seeing each other's databases.
struct TemporaryDirectory {
    struct CreationFailed: Error {
        let errno: Int32
    }

    let path: String

    init() throws {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/vigil-store-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw CreationFailed(errno: errno) }
        path = String(cString: created)
    }

    func file(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Databases leave only flat files (`x.db`, `x.db-wal`, `x.db-shm`), so one level of unlinking suffices.
    func remove() {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name != "." && name != ".." { unlink(file(name)) }
            }
            closedir(directory)
        }
        rmdir(path)
    }
}
