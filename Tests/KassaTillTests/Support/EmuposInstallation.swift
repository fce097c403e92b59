import Foundation

/// Where `scripts/emupos/install.sh` put emupos, and the Python it installed it for.
///
/// The script and this type agree on one rule: `$KASSA_EMUPOS_HOME`, or else
/// `${XDG_CACHE_HOME:-$HOME/.cache}/kassa/emupos-<version>`. In it, `site/` holds the packages
/// (emupos rewritten for Python 3.11), `python` the interpreter's path and `installed` a stamp
/// the script writes only after emupos imported and compiled.
struct EmuposInstallation: Sendable {
    /// The emupos release the harness, the install script and docs/emupos.md describe.
    static let version = "0.4.0"

    /// The installation directory.
    let home: URL
    /// The Python interpreter emupos was installed for.
    let python: String

    /// The directory to put on `PYTHONPATH`.
    var sitePackages: String { home.appendingPathComponent("site").path }

    /// The installation the environment points at; fails, saying how to install, when it is missing.
    static func find(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> EmuposInstallation {
        try find(home: defaultHome(environment: environment))
    }

    /// The installation in `home`; fails, saying how to install, when it is missing or another version.
    static func find(home: URL) throws -> EmuposInstallation {
        let stampPath = home.appendingPathComponent("installed").path
        guard let stamp = try? String(contentsOfFile: stampPath, encoding: .utf8) else {
            throw notInstalled(home, "there is no \(stampPath)")
        }
        guard stamp.hasPrefix("emupos \(version) ") else {
            throw notInstalled(home, "it holds \(stamp.prefix(while: { $0 != "\n" })), not emupos \(version)")
        }
        let pythonFile = home.appendingPathComponent("python").path
        let python = (try? String(contentsOfFile: pythonFile, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !python.isEmpty, FileManager.default.isExecutableFile(atPath: python) else {
            throw notInstalled(home, "the Python named in \(pythonFile) ('\(python)') is not there any more")
        }
        return EmuposInstallation(home: home, python: python)
    }

    /// `$KASSA_EMUPOS_HOME`, or the cache directory the install script uses by default.
    static func defaultHome(environment: [String: String]) -> URL {
        if let explicit = environment["KASSA_EMUPOS_HOME"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return URL(fileURLWithPath: cache).appendingPathComponent("kassa/emupos-\(version)")
    }

    private static func notInstalled(_ home: URL, _ reason: String) -> EmuposError {
        EmuposError(.notInstalled, """
            emupos \(version) is not installed in \(home.path) (\(reason)). Run scripts/emupos/install.sh \
            (make pydeps runs it), or set KASSA_EMUPOS_HOME to the directory it installed into.
            """)
    }
}
