extension Array {
    /// The elements in order, in batches of at most `size`: for AWS calls that take at most
    /// `size` items each (alarm names, metric queries).
    public func batches(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
