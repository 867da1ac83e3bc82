import Foundation
import Glibc
import Synchronization

/// A server on 127.0.0.1 that answers each connection's first request with a
/// head promising a body, sends a few bytes of it, and then nothing more
/// until stopped: the server a whole-request timeout exists for. A silent
/// one accepts connections and never sends a byte, not even a TLS
/// handshake's answer.
final class StallingServer: Sendable {
    let port: Int
    private let listener: Int32
    private let silent: Bool
    private let connections = Mutex<[Int32]>([])

    init(silent: Bool = false) throws {
        self.silent = silent
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(listener, address, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, address, &length) == 0
            }
        }
        guard listener >= 0, bound else {
            close(listener)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    private func serve() {
        let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc".utf8)
        var request = [UInt8](repeating: 0, count: 4096)
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            connections.withLock { $0.append(connection) }
            if silent { continue }
            _ = read(connection, &request, request.count)
            _ = write(connection, response, response.count)
        }
    }

    /// Stops accepting (shutting the socket down wakes `accept`) and closes
    /// every connection.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        connections.withLock { $0.forEach { close($0) } }
    }
}
