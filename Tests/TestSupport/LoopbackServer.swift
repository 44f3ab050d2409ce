import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests that need a real socket.
///
/// One connection at a time, one request per connection (`Connection: close`). The handler
/// answers each request; every request is recorded. Shared by the test targets.
final class LoopbackServer: @unchecked Sendable {
    /// A request as received.
    struct Request: Sendable {
        var method: String
        /// The request target as sent, path and query (`/a/b?x=1`).
        var target: String
        /// Header lines in order, names as sent.
        var headers: [(name: String, value: String)]
        var body: Data

        /// The first header named `name`, ignoring case.
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The path part of the target.
        var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
    }

    /// A response to send.
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: Data

        init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// A response with a text body.
        static func text(_ text: String, status: Int = 200, contentType: String = "text/plain") -> Response {
            Response(status: status, headers: [("Content-Type", contentType)], body: Data(text.utf8))
        }
    }

    /// The port the server listens on.
    let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let lock = NSLock()
    private var received: [Request] = []
    private var stopped = false

    /// Starts listening and serving on a background thread.
    init(handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        (listener, port) = try listenOnLoopback()
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// `http://127.0.0.1:<port>`.
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Every request received so far, in order.
    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Stops accepting connections. Call it when done: the serving thread keeps the server alive.
    /// The socket is closed by the serving thread itself, so its descriptor cannot be reused
    /// by another server while this one is still inside `accept`.
    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done {
                    close(listener)
                    return
                }
                continue
            }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return }
            buffer.append(contentsOf: chunk[0..<count])
            headerEnd = buffer.range(of: separator)
        }
        guard let headerEnd else { return }
        let head = String(decoding: buffer[buffer.startIndex..<headerEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let contentLength = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        var body = Data(buffer[headerEnd.upperBound...])
        while body.count < contentLength {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { break }
            body.append(contentsOf: chunk[0..<count])
        }
        let request = Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
        lock.lock()
        received.append(request)
        lock.unlock()
        let response = handler(request)
        var text = "HTTP/1.1 \(response.status) \(response.status < 400 ? "OK" : "Error")\r\n"
        for header in response.headers { text += "\(header.name): \(header.value)\r\n" }
        text += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        _ = sendAll(connection, Data(text.utf8) + response.body)
    }
}

/// Writes all of `data` to `connection` (never raising SIGPIPE); `false` when the peer is gone.
/// `retryWhile` says whether a would-block or interrupted send is tried again; `sent` is told
/// each piece that went out.
func sendAll(
    _ connection: Int32, _ data: Data, retryWhile: () -> Bool = { false }, sent: (Int) -> Void = { _ in }
) -> Bool {
    data.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            #if canImport(Glibc)
                let count = send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            #else
                let count = send(connection, raw.baseAddress! + offset, raw.count - offset, 0)
            #endif
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) && retryWhile() { continue }
            if count <= 0 { return false }
            offset += count
            sent(count)
        }
        return true
    }
}

/// A TCP socket listening on 127.0.0.1 at an ephemeral port: its descriptor and the port.
func listenOnLoopback() throws -> (descriptor: Int32, port: UInt16) {
    #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0, listen(fd, 16) == 0 else {
        close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}
