import VaultCrypto

/// C2SP cosignature/v1 on a checkpoint: the witness signs `"cosignature/v1\ntime <t>\n" || checkpoint body` and
/// adds the note signature line `— <name> base64(key id || u64 BE t || Ed25519 signature)`.
public enum Cosignature {
    /// Why a set of cosignatures does not make a checkpoint final.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// A line of a configured witness does not verify.
        case invalid(witness: String)
        /// Fewer than `required` configured witnesses cosigned.
        case notEnough(valid: Int, required: Int)

        public var description: String {
            switch self {
            case let .invalid(witness): return "cosignature of \(witness) does not verify"
            case let .notEnough(valid, required): return "\(valid) of the required \(required) witness cosignatures"
            }
        }
    }

    /// The signed message for a checkpoint body at time `timestamp` (seconds since 1970).
    public static func message(body: String, timestamp: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + Array(body.utf8)
    }

    /// The cosignature line of `key` (named `name`) on `note`'s body.
    public static func sign(_ note: SignedNote, name: String, key: Ed25519SigningKey, timestamp: UInt64) throws -> SignedNote.Signature {
        let cosigner = try CosignerKey(name: name, publicKey: key.publicKey)
        let signature = key.sign(message(body: note.text, timestamp: timestamp))
        return SignedNote.Signature(name: name, keyID: cosigner.keyID, signature: bigEndian(timestamp) + signature)
    }

    /// Checks the lines of `keys` on `note`: lines of other keys are ignored, a configured witness's bad line
    /// throws, and at least `threshold` distinct witnesses must have cosigned. Returns them.
    @discardableResult
    public static func verify(_ note: SignedNote, keys: [CosignerKey], threshold: Int) throws -> [CosignerKey] {
        var valid: [CosignerKey] = []
        for line in note.signatures {
            guard let key = keys.first(where: { $0.name == line.name && $0.keyID == line.keyID }) else { continue }
            guard line.signature.count == 8 + Ed25519PublicKey.signatureByteCount else { throw Failure.invalid(witness: line.name) }
            let timestamp = line.signature[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard timestamp < 1 << 63,
                  key.publicKey.isValidSignature(Array(line.signature[8...]), for: message(body: note.text, timestamp: timestamp))
            else { throw Failure.invalid(witness: line.name) }
            if !valid.contains(key) { valid.append(key) }
        }
        guard valid.count >= threshold else { throw Failure.notEnough(valid: valid.count, required: threshold) }
        return valid
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) } }
}
