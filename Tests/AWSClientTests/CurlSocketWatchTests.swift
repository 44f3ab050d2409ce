import CurlSocketWatch
import Foundation
import Testing

/// What the fake FoundationNetworking callback was told, in order.
private struct WatchCall: Equatable {
    let what: Int32
    let hasSocketPointer: Bool
}

private let recordedCalls = Mutex<[WatchCall]>([])

private let recordingCallback: curl_socket_watch_callback = { _, _, what, _, socketPointer in
    recordedCalls.withLock { $0.append(WatchCall(what: what, hasSocketPointer: socketPointer != nil)) }
    return 0
}

/// A lock around a value, for the C callback above (which cannot capture).
private final class Mutex<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.withLock { body(&value) }
    }
}

/// The libcurl socket changes FoundationNetworking is told about: a direction libcurl no longer
/// wants is removed (FoundationNetworking only ever adds a watch, and a leftover write watch on an
/// idle socket fires without end).
@Suite("curl socket watches", .serialized)
struct CurlSocketWatchTests {
    static let (pollNone, pollIn, pollOut, pollInOut, pollRemove): (Int32, Int32, Int32, Int32, Int32) = (0, 1, 2, 3, 4)
    /// Descriptors far above any the test process opens, one per test.
    static let connecting: Int32 = 60_001
    static let reading: Int32 = 60_002
    static let idle: Int32 = 60_003
    static let outOfTable: Int32 = 70_000

    /// Sends `changes` for `socket` through the shim and returns what the callback saw.
    private func forward(_ changes: [Int32], socket: Int32) -> [WatchCall] {
        recordedCalls.withLock { $0.removeAll() }
        var token = 0
        for what in changes {
            let result = withUnsafeMutablePointer(to: &token) { pointer in
                curl_socket_watch_forward(recordingCallback, nil, socket, what, nil, UnsafeMutableRawPointer(pointer))
            }
            #expect(result == 0)
        }
        return recordedCalls.withLock { $0 }
    }

    @Test("write then read only (a new connection): the write watch is removed before the read watch")
    func writeThenReadRemovesTheWriteWatch() {
        let calls = forward([Self.pollOut, Self.pollIn, Self.pollRemove], socket: Self.connecting)
        #expect(
            calls == [
                WatchCall(what: Self.pollOut, hasSocketPointer: true),
                WatchCall(what: Self.pollRemove, hasSocketPointer: true),
                WatchCall(what: Self.pollIn, hasSocketPointer: false),
                WatchCall(what: Self.pollRemove, hasSocketPointer: true),
            ])
    }

    @Test("read then read and write (more directions) passes through; both then read only removes first")
    func addingPassesAndDroppingRemoves() {
        let calls = forward([Self.pollIn, Self.pollInOut, Self.pollIn, Self.pollRemove], socket: Self.reading)
        #expect(
            calls == [
                WatchCall(what: Self.pollIn, hasSocketPointer: true),
                WatchCall(what: Self.pollInOut, hasSocketPointer: true),
                WatchCall(what: Self.pollRemove, hasSocketPointer: true),
                WatchCall(what: Self.pollIn, hasSocketPointer: false),
                WatchCall(what: Self.pollRemove, hasSocketPointer: true),
            ])
    }

    @Test("after a removal the socket starts afresh (a reused descriptor is not confused with the old one)")
    func removalForgetsTheSocket() {
        let calls = forward([Self.pollOut, Self.pollRemove, Self.pollIn, Self.pollRemove], socket: Self.connecting)
        #expect(calls.map(\.what) == [Self.pollOut, Self.pollRemove, Self.pollIn, Self.pollRemove])
        #expect(calls.allSatisfy { $0.hasSocketPointer })
    }

    @Test("CURL_POLL_NONE passes through and keeps what is watched: a later read-only still drops the write watch")
    func noneKeepsTheWatchedDirections() {
        let calls = forward([Self.pollOut, Self.pollNone, Self.pollIn, Self.pollRemove], socket: Self.idle)
        #expect(
            calls == [
                WatchCall(what: Self.pollOut, hasSocketPointer: true),
                WatchCall(what: Self.pollNone, hasSocketPointer: true),
                WatchCall(what: Self.pollRemove, hasSocketPointer: true),
                WatchCall(what: Self.pollIn, hasSocketPointer: false),
                WatchCall(what: Self.pollRemove, hasSocketPointer: true),
            ])
    }

    @Test("a descriptor past the table passes through unchanged")
    func largeDescriptorsPassThrough() {
        let calls = forward([Self.pollOut, Self.pollIn], socket: Self.outOfTable)
        #expect(calls.map(\.what) == [Self.pollOut, Self.pollIn])
    }
}
