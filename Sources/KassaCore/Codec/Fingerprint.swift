/// A 64-bit FNV-1a hash of a command's canonical encoding.
///
/// It tells a till's retry (same id, same body) from a conflicting reuse of an id (same id,
/// different body). It is only ever compared between bodies with the same id, so 64 bits make
/// a false "same body" practically impossible. Unlike Swift's `Hasher` it is stable across runs,
/// which it must be: fingerprints are journaled.
public enum Fingerprint {
    /// The FNV-1a 64 hash of `bytes`.
    public static func of(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
