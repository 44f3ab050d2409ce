import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loopback HTTP server on 127.0.0.1 that answers badly, each connection on its own thread:
/// never, a byte at a time, without end, or with a redirect. Records what it saw, so tests can
/// tell that the client hung up (the transfer was really ended) and how much it was sent.
final class MisbehavingServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Reads the request and never answers.
        case silent
        /// Sends `200` headers with a `Content-Length` of `declaredLength`, then one byte every `interval` seconds.
        case trickle(interval: Double, declaredLength: Int = 1_000_000)
        /// Sends `200` headers, with `Content-Length: declaredLength` when given, then 64 KiB every
        /// millisecond until the client hangs up.
        case endless(declaredLength: Int? = nil)
        /// Answers `status` with `Location: location` and a short body.
        case redirect(status: Int, location: String)
    }

    let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let lock = NSLock()
    private var stopped = false
    private var connections = 0
    private var hangUps = 0
    private var sent = 0
    private var requestLines: [String] = []

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        (listener, port) = try listenOnLoopback()
        Thread { [self] in acceptLoop() }.start()
    }

    /// `http://127.0.0.1:<port>/<path>`.
    func url(_ path: String = "") -> URL { URL(string: "http://127.0.0.1:\(port)/\(path)")! }

    /// Connections accepted so far.
    var connectionCount: Int { lock.withLock { connections } }
    /// Connections the client closed (or reset) so far.
    var hangUpCount: Int { lock.withLock { hangUps } }
    /// Body bytes sent so far, over all connections.
    var bytesSent: Int { lock.withLock { sent } }
    /// The request line of every request read, in order.
    var requests: [String] { lock.withLock { requestLines } }

    /// Stops accepting and ends every connection's loop.
    func stop() {
        let wasStopped = lock.withLock {
            defer { stopped = true }
            return stopped
        }
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if isStopped {
                    close(listener)
                    return
                }
                continue
            }
            lock.withLock { connections += 1 }
            Thread { [self] in
                serve(connection)
                close(connection)
            }.start()
        }
    }

    private func serve(_ connection: Int32) {
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard readRequest(connection) else { return }
        switch behaviour {
        case .silent:
            while !isStopped {
                if clientHungUp(connection) { return }
            }
        case .trickle(let interval, let declaredLength):
            guard write(connection, head(status: 200, contentLength: declaredLength)) else { return }
            var next = Date()
            while !isStopped {
                if clientHungUp(connection) { return }
                if Date() >= next {
                    guard write(connection, Data("x".utf8), counted: true) else { return hungUp() }
                    next = Date().addingTimeInterval(interval)
                }
            }
        case .endless(let declaredLength):
            guard write(connection, head(status: 200, contentLength: declaredLength)) else { return }
            let chunk = Data(repeating: UInt8(ascii: "y"), count: 64 * 1024)
            while !isStopped {
                guard write(connection, chunk, counted: true) else { return hungUp() }
                usleep(1000)  // about 64 MB/s: a fast network, not loopback's gigabytes a second
            }
        case .redirect(let status, let location):
            let body = Data("moved".utf8)
            var text = "HTTP/1.1 \(status) Moved\r\nLocation: \(location)\r\nContent-Type: text/plain\r\n"
            text += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            _ = write(connection, Data(text.utf8) + body)
        }
    }

    private func head(status: Int, contentLength: Int?) -> Data {
        var text = "HTTP/1.1 \(status) OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n"
        if let contentLength { text += "Content-Length: \(contentLength)\r\n" }
        return Data((text + "\r\n").utf8)
    }

    /// Reads the head and a `Content-Length` body; false when the client went away first.
    private func readRequest(_ connection: Int32) -> Bool {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count == 0 { return false }
            if count < 0 {
                if isStopped { return false }
                continue
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
        let headEnd = buffer.range(of: separator)!
        let head = String(decoding: buffer[buffer.startIndex..<headEnd.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        lock.withLock { requestLines.append(lines.first ?? "") }
        let length =
            lines.dropFirst().compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
        var body = buffer.count - headEnd.upperBound
        while body < length {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count == 0 { return false }
            if count < 0 {
                if isStopped { return false }
                continue
            }
            body += count
        }
        return true
    }

    /// Waits up to the receive timeout for the client to close; true (and counted) when it did.
    private func clientHungUp(_ connection: Int32) -> Bool {
        var byte: UInt8 = 0
        let count = recv(connection, &byte, 1, 0)
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            hungUp()
            return true
        }
        return false
    }

    private func hungUp() {
        lock.withLock { hangUps += 1 }
    }

    private func write(_ connection: Int32, _ data: Data, counted: Bool = false) -> Bool {
        sendAll(connection, data, retryWhile: { !isStopped }) { count in
            if counted { lock.withLock { self.sent += count } }
        }
    }
}

/// Runs `operation` and waits at most `seconds` for it: its result, or `nil` when it was still
/// running (it is left running, so that a transport that never gives up fails the test
/// instead of hanging it).
func within<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async -> T) async -> T? {
    return await withCheckedContinuation { continuation in
        let once = ResumeOnce<T>(continuation)
        Task { once.finish(await operation()) }
        Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            once.finish(nil)
        }
    }
}

/// Waits up to `seconds` for `condition`, polling every 20 ms; whether it came true.
func eventually(seconds: Double, _ condition: @Sendable () -> Bool) async -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return condition()
}

/// Resumes a continuation with the first value given, and ignores the rest.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T?, Never>?

    init(_ continuation: CheckedContinuation<T?, Never>) { self.continuation = continuation }

    func finish(_ value: T?) {
        let waiting: CheckedContinuation<T?, Never>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: value)
    }
}
