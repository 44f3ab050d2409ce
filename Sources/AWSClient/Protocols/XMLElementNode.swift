import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One element of an XML document: its name, its own text and its child elements.
///
/// The text of an element with children is trimmed of surrounding whitespace; a leaf keeps
/// its text exactly, however many pieces the parser delivered it in.
public struct XMLElementNode: Sendable, Equatable {
    public var name: String
    public var text: String
    public var children: [XMLElementNode]

    /// An element with its text and children.
    public init(name: String, text: String = "", children: [XMLElementNode] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child named `name`.
    public func child(_ name: String) -> XMLElementNode? {
        children.first { $0.name == name }
    }

    /// Every child named `name`, in document order.
    public func children(_ name: String) -> [XMLElementNode] {
        children.filter { $0.name == name }
    }

    /// The element at a `/`-separated path of child names, e.g. `"DescribeAlarmsResult/NextToken"`.
    public func element(at path: String) -> XMLElementNode? {
        var node = self
        for name in path.split(separator: "/") {
            guard let next = node.child(String(name)) else { return nil }
            node = next
        }
        return node
    }

    /// The text of the element at `path`, or `nil` when there is no such element.
    public func text(at path: String) -> String? {
        element(at: path)?.text
    }

    /// The first element named `name` in a depth-first walk, this element included.
    public func firstDescendant(named name: String) -> XMLElementNode? {
        if self.name == name { return self }
        for child in children {
            if let found = child.firstDescendant(named: name) { return found }
        }
        return nil
    }

    /// Parses `data` into its root element.
    public static func parse(_ data: Data) throws -> XMLElementNode {
        let parser = XMLParser(data: data)
        let builder = TreeBuilder()
        parser.delegate = builder  // XMLParser holds its delegate weakly; `builder` keeps it alive.
        let succeeded = parser.parse()
        guard succeeded, let root = builder.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw XMLParseError(reason: reason)
        }
        return root
    }
}

/// The XML could not be parsed.
public struct XMLParseError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { "unreadable XML: \(reason)" }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [XMLElementNode] = []
    private(set) var root: XMLElementNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        stack.append(XMLElementNode(name: elementName))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        guard var node = stack.popLast() else { return }
        if !node.children.isEmpty {
            node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }
}
