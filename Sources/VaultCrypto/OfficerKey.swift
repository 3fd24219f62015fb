import Foundation

/// An officer's X25519 key pair, to which unseal shares and key exports are sealed (`SealedBox`).
///
/// Public text: `cvofficer1 <name> <base64 public key>`. Secret file: `"CVOFC1" || opslimit (u32 BE) ||
/// memlimit (u64 BE) || salt (16) || name length (1) || name || envelope(secret key)`, the envelope's key derived
/// from the officer's passphrase with Argon2id and its associated data every header byte before it.
public enum OfficerKey {
    static let magic = Array("CVOFC1".utf8)
    static let label = Array("CivicVault/v1/officer-key".utf8)

    /// An officer's public key and name.
    public struct PublicKey: Equatable, Sendable {
        public let name: String
        public let key: [UInt8]

        public var text: String { "cvofficer1 \(name) \(Base64.encode(key))" }

        public init(name: String, key: [UInt8]) throws {
            guard Self.isValidName(name), key.count == X25519KeyPair.byteCount else { throw Failure.malformed }
            self.name = name
            self.key = key
        }

        /// Parses `cvofficer1 <name> <base64>`.
        public init(parsing text: String) throws {
            let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
            guard parts.count == 3, parts[0] == "cvofficer1", let key = Base64.decode(parts[2]) else { throw Failure.malformed }
            try self.init(name: parts[1], key: key)
        }

        /// 1 to 64 letters, digits, '.', '_' or '-'.
        public static func isValidName(_ name: String) -> Bool {
            (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x5f || c == 0x2d
            }
        }
    }

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed
        case wrongPassphraseOrAltered
        case passphraseRequired

        public var description: String {
            switch self {
            case .malformed: return "this is not a CivicVault officer key"
            case .wrongPassphraseOrAltered: return "cannot open the officer key: wrong passphrase, or the file was altered"
            case .passphraseRequired: return "the officer key needs its passphrase"
            }
        }
    }

    /// A new key pair for `name`: the secret file (encrypted under `passphrase`) and the public key.
    public static func generate(name: String, passphrase: SecureBytes, parameters: Argon2idParameters) throws -> (secretFile: [UInt8], publicKey: PublicKey) {
        guard passphrase.count > 0 else { throw Failure.passphraseRequired }
        let pair = X25519KeyPair.generate()
        let public_ = try PublicKey(name: name, key: pair.publicKey)
        var header = magic + bigEndian(UInt64(parameters.opsLimit), 4) + bigEndian(parameters.memLimit, 8)
        let salt = RandomBytes.generate(PasswordKDF.saltByteCount)
        header += salt + [UInt8(name.utf8.count)] + Array(name.utf8)
        let key = try PasswordKDF.deriveKey(passphrase: passphrase, salt: salt, parameters: parameters)
        return (header + (try Envelope.seal(pair.secretKey, key: key, associatedData: label + header)), public_)
    }

    /// Opens an officer's secret file.
    public static func open(_ file: [UInt8], passphrase: SecureBytes) throws -> (name: String, pair: X25519KeyPair) {
        guard passphrase.count > 0 else { throw Failure.passphraseRequired }
        let fixed = magic.count + 12 + PasswordKDF.saltByteCount
        guard file.count > fixed + 1, Array(file[0..<magic.count]) == magic else { throw Failure.malformed }
        let ops = file[magic.count..<(magic.count + 4)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let mem = file[(magic.count + 4)..<(magic.count + 12)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let parameters = Argon2idParameters(opsLimit: UInt32(truncatingIfNeeded: ops), memLimit: mem)
        guard ops <= UInt64(UInt32.max), parameters.isAcceptable else { throw Failure.malformed }
        let salt = Array(file[(magic.count + 12)..<fixed])
        let nameCount = Int(file[fixed])
        guard file.count > fixed + 1 + nameCount, let name = String(validating: file[(fixed + 1)..<(fixed + 1 + nameCount)], as: UTF8.self) else {
            throw Failure.malformed
        }
        let header = Array(file[0..<(fixed + 1 + nameCount)])
        let key = try PasswordKDF.deriveKey(passphrase: passphrase, salt: salt, parameters: parameters)
        let secret: SecureBytes
        do { secret = try Envelope.open(Array(file[header.count...]), key: key, associatedData: label + header) } catch {
            throw Failure.wrongPassphraseOrAltered
        }
        return (name, try X25519KeyPair(secretKey: secret))
    }

    static func bigEndian(_ value: UInt64, _ bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(bytes - 1 - $0))) }
    }
}
