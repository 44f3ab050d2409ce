/// `language`: the language every digest is written in (text, Markdown, Slack, SNS, Chatbot).
/// The JSON document is the same in every language.
public enum DigestLanguage: String, Sendable, Equatable, CaseIterable {
    /// English, the default.
    case en
    /// Japanese.
    case ja
}
