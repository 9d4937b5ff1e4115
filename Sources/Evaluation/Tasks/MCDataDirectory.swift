import Foundation

/// Where the evaluation data files are: `--data DIR`, else `$VEER_DATA`, else the `data/` folder of the repository
/// clone that built this binary (found from this source file's path), so a clone evaluates with no download.
public enum MCDataDirectory {
    /// `<repository>/data`. This file is <repository>/Sources/Evaluation/Tasks/MCDataDirectory.swift.
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "data")

    /// The data directory: `option` (the --data value), else `environment["VEER_DATA"]`, else `repository`. An
    /// empty value counts as not given, as an empty shell variable usually means "unset".
    public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let option, !option.isEmpty { return URL(fileURLWithPath: option) }
        if let variable = environment["VEER_DATA"], !variable.isEmpty { return URL(fileURLWithPath: variable) }
        return repository
    }
}
