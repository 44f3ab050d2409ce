import Foundation

/// IANA timezone names, checked against a tzdata directory (`/usr/share/zoneinfo` by default).
enum TimeZoneLookup {
    /// The zone called `name`, or a message saying why there is none.
    ///
    /// Foundation on Linux accepts some names that are not zones, so the name must also be a
    /// file in `zoneinfoDirectory`; `UTC` is always accepted.
    static func zone(named name: String, zoneinfoDirectory: String) -> Result<TimeZone, Failure> {
        if name == "UTC", let utc = TimeZone(identifier: "UTC") { return .success(utc) }
        var isDirectory: ObjCBool = false
        let path = (zoneinfoDirectory as NSString).appendingPathComponent(name)
        if !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(".."),
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let zone = TimeZone(identifier: name)
        {
            return .success(zone)
        }
        if let suggestion = suggestion(for: name, zoneinfoDirectory: zoneinfoDirectory) {
            return .failure(Failure(message: "unknown timezone '\(name)' (did you mean '\(suggestion)'?)"))
        }
        return .failure(Failure(message: "unknown timezone '\(name)'; use an IANA name like Asia/Tokyo or UTC"))
    }

    /// Why a name is not a timezone.
    struct Failure: Error, Equatable {
        let message: String
    }

    /// A zone whose full name, or last part, equals `name` ignoring case (`asia/tokyo`, `Tokyo`).
    private static func suggestion(for name: String, zoneinfoDirectory: String) -> String? {
        let wanted = name.lowercased()
        guard !wanted.isEmpty, let files = FileManager.default.subpaths(atPath: zoneinfoDirectory) else { return nil }
        let zones = files.filter { file in
            !file.hasPrefix("posix/") && !file.hasPrefix("right/") && file.first?.isUppercase == true
        }.sorted()
        if let exact = zones.first(where: { $0.lowercased() == wanted }) { return exact }
        return zones.first { ($0.split(separator: "/").last?.lowercased() ?? "") == wanted && $0.contains("/") }
    }
}
