/// Runs `body` over `items` with at most `limit` in flight (a sliding window over a TaskGroup),
/// returning the results in the order of `items`.
public func concurrentMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Result
) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        func startNext() {
            let index = next
            let item = items[index]
            group.addTask { (index, await body(item)) }
            next += 1
        }
        while next < min(max(limit, 1), items.count) { startNext() }
        while let (index, result) = await group.next() {
            results[index] = result
            if next < items.count { startNext() }
        }
        return results.map { $0! }
    }
}

/// Like `concurrentMap`, for calls that throw: every call runs to its end — none is cancelled
/// (cancelling URLSession requests can deadlock on Linux, swift-corelibs-foundation#5412) —
/// and then the first error in the order of `items` is thrown.
public func concurrentMap<Item: Sendable, Value: Sendable>(
    _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async throws -> Value
) async throws -> [Value] {
    let outcomes = await concurrentMap(items, limit: limit) { item -> Result<Value, any Error> in
        do {
            return .success(try await body(item))
        } catch {
            return .failure(error)
        }
    }
    return try outcomes.map { try $0.get() }
}
