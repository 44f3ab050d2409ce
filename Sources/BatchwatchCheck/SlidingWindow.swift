/// Runs `body` over `items` with at most `limit` in flight (a sliding window over a TaskGroup),
/// returning the results in the order of `items`.
func concurrentMap<Item: Sendable, Result: Sendable>(
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
