import ArgumentParser
import Foundation
import VaultCrypto

/// `civicvault-bench crypto`: sealed boxes and XChaCha20-Poly1305 through VaultCrypto, for the cross-language
/// sanity check against PyNaCl (scripts/bench/peers.py times the same calls on the same sizes). With `--json` it
/// also writes one sealed box and one AEAD ciphertext made here, which the peer script must open.
struct BenchCryptoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto", abstract: "Time sealed boxes and XChaCha20-Poly1305 (for the PyNaCl cross-check).")

    @Option(help: "Operations per batch; the median of five batches is reported (wall and process CPU time).") var operations: Int = 2_000
    @Option(help: "Plaintext bytes.") var size: Int = 64
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard operations >= 10, (1...1_000_000).contains(size) else { throw ValidationError("--operations must be at least 10, --size 1...1000000") }
    }

    func run() async throws {
        let recipient = X25519KeyPair.generate()
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyByteCount)
        let nonce = RandomBytes.generate(XChaCha20Poly1305.nonceByteCount)
        let aad = Array("CivicVault/bench".utf8)
        let plaintext = [UInt8](repeating: 0x70, count: size)
        let box = try SealedBox.seal(plaintext, to: recipient.publicKey)
        let sealed = try XChaCha20Poly1305.encrypt(plaintext, key: key, nonce: nonce, associatedData: aad)
        var results = BenchResults(bench: "crypto")
        results.set("size", size)
        func each(_ name: String, _ body: () throws -> Void) throws {
            var perOp: [Double] = [], perOpCPU: [Double] = []
            for _ in 0..<5 {
                let t = try BenchClock.measure { for _ in 0..<operations { try body() } }
                perOp.append(t.wall / Double(operations))
                perOpCPU.append(t.cpu / Double(operations))
            }
            let us = BenchStats.median(perOp) * 1e6, cpu = BenchStats.median(perOpCPU) * 1e6
            results.set("\(name)_us", us)
            results.set("\(name)_cpu_us", cpu)
            print(String(format: "%@ (%d bytes): %.2f us each wall, %.2f us CPU (%.0f/s)", name, size, us, cpu, 1e6 / us))
        }
        try each("sealed_box_seal") { _ = try SealedBox.seal(plaintext, to: recipient.publicKey) }
        try each("sealed_box_open") { _ = try SealedBox.open(box, with: recipient) }
        try each("aead_encrypt") { _ = try XChaCha20Poly1305.encrypt(plaintext, key: key, nonce: nonce, associatedData: aad) }
        try each("aead_decrypt") { _ = try XChaCha20Poly1305.decrypt(sealed[...], key: key, nonce: nonce, associatedData: aad) }
        // A throw-away key pair and key, made for this check only, so the peer can open what Swift sealed.
        results.set("sample_recipient_secret_hex", Hex.encode(recipient.secretKey.unsafeCopy()))
        results.set("sample_sealed_box_hex", Hex.encode(box))
        results.set("sample_aead_key_hex", Hex.encode(key.unsafeCopy()))
        results.set("sample_aead_nonce_hex", Hex.encode(nonce))
        results.set("sample_aead_aad_hex", Hex.encode(aad))
        results.set("sample_aead_ciphertext_hex", Hex.encode(sealed))
        results.set("sample_plaintext_hex", Hex.encode(plaintext))
        results.set("libsodium", Sodium.version)
        try results.write(to: output.json)
    }
}
