import Foundation

/// The AWS shared files, `~/.aws/credentials` and `~/.aws/config`, read into profiles.
///
/// The credentials file names sections `[name]`; the config file names them `[profile name]`
/// (and `[default]`). Where both files set a key, the credentials file wins.
struct SharedConfigFiles: Sendable {
    /// The profile to use: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`.
    let selectedProfile: String
    /// Whether the profile was named by the environment (then a missing profile is an error).
    let profileNamedExplicitly: Bool
    let credentialsPath: String
    let configPath: String
    private let credentialsSections: [String: [String: String]]
    private let configSections: [String: [String: String]]

    /// Reads both files; a file that does not exist counts as empty.
    static func load(environment: [String: String], homeDirectory: String) throws -> SharedConfigFiles {
        let explicitProfile = [environment["AWS_PROFILE"], environment["AWS_DEFAULT_PROFILE"]]
            .compactMap { $0?.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty }
        let credentialsPath = expand(
            environment["AWS_SHARED_CREDENTIALS_FILE"], default: "~/.aws/credentials", home: homeDirectory)
        let configPath = expand(environment["AWS_CONFIG_FILE"], default: "~/.aws/config", home: homeDirectory)

        var credentialsSections: [String: [String: String]] = [:]
        for section in try INIFile.parse(read(credentialsPath)) {
            credentialsSections[section.name, default: [:]].merge(section.values) { _, new in new }
        }
        var configSections: [String: [String: String]] = [:]
        for section in try INIFile.parse(read(configPath)) {
            guard let profile = configProfileName(section.name) else { continue }
            configSections[profile, default: [:]].merge(section.values) { _, new in new }
        }
        return SharedConfigFiles(
            selectedProfile: explicitProfile ?? "default",
            profileNamedExplicitly: explicitProfile != nil,
            credentialsPath: credentialsPath,
            configPath: configPath,
            credentialsSections: credentialsSections,
            configSections: configSections)
    }

    /// The keys of profile `name` from both files, or `nil` when neither file has it.
    func profile(named name: String) -> [String: String]? {
        let fromConfig = configSections[name]
        let fromCredentials = credentialsSections[name]
        if fromConfig == nil && fromCredentials == nil { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentials in credentials }
    }

    /// The profile name of a config-file section: `default`, `profile x`; other kinds are not profiles.
    private static func configProfileName(_ section: String) -> String? {
        if section == "default" { return "default" }
        let parts = section.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0] == "profile" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    private static func expand(_ value: String?, default fallback: String, home: String) -> String {
        let path = value.flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        if path == "~" { return home }
        if path.hasPrefix("~/") { return (home as NSString).appendingPathComponent(String(path.dropFirst(2))) }
        return path
    }

    private static func read(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AWSConfigurationError("cannot read \(path): \(error.localizedDescription)")
        }
    }
}

/// The INI dialect of the AWS shared files.
enum INIFile {
    struct Section: Equatable {
        let name: String
        var values: [String: String]
    }

    /// Parses `[section]` headers and `key = value` lines. Lines starting with `#` or `;` are
    /// comments, as is a `#` or `;` that follows whitespace inside a line. Indented lines under
    /// a key with an empty value (nested settings such as `s3 =`) are skipped. Keys are lowercased.
    static func parse(_ text: String) -> [Section] {
        var sections: [Section] = []
        var inNestedBlock = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = stripComment(String(rawLine))
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let indented = line.first?.isWhitespace == true
            if trimmed.hasPrefix("[") {
                inNestedBlock = false
                guard let close = trimmed.lastIndex(of: "]") else { continue }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingCharacters(
                    in: .whitespaces)
                sections.append(Section(name: name, values: [:]))
                continue
            }
            if indented && inNestedBlock { continue }
            guard !sections.isEmpty, let equals = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                continue
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            inNestedBlock = value.isEmpty
            if !key.isEmpty && !value.isEmpty {
                sections[sections.count - 1].values[key] = value
            }
        }
        return sections
    }

    private static func stripComment(_ line: String) -> String {
        let trimmed = line.drop { $0.isWhitespace }
        if trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { return "" }
        var previous: Character = "x"
        for index in line.indices {
            let character = line[index]
            if (character == "#" || character == ";") && previous.isWhitespace {
                return String(line[..<index])
            }
            previous = character
        }
        return line
    }
}
