import Testing
import VaultCrypto
@testable import VaultLedger

@Suite struct BlockTests {
    let header = BlockHeader(height: 3, previousHash: [UInt8](repeating: 0xab, count: 32), timestampMs: 1_767_225_600_000,
                             firstIndex: 10, entryCount: 5, treeSize: 15, root: [UInt8](repeating: 0xcd, count: 32))

    @Test func encodingRoundTripsAndIsLabeled() throws {
        let bytes = header.encoded
        #expect(bytes.count == BlockHeader.encodedByteCount)
        #expect(Array(bytes.prefix(LedgerLabels.block.count)) == LedgerLabels.block)
        #expect(try BlockHeader(decoding: bytes) == header)
        #expect(header.hash == SHA256.hash(bytes))
    }

    @Test func malformedHeadersAreRejected() {
        var wrongVersion = header.encoded
        wrongVersion[LedgerLabels.block.count] = 2
        #expect(throws: LedgerError.unsupportedVersion(2)) { try BlockHeader(decoding: wrongVersion) }
        var wrongLabel = header.encoded
        wrongLabel[0] ^= 1
        #expect(throws: LedgerError.self) { try BlockHeader(decoding: wrongLabel) }
        #expect(throws: LedgerError.self) { try BlockHeader(decoding: header.encoded + [0]) }
        #expect(throws: LedgerError.self) { try BlockHeader(decoding: Array(header.encoded.dropLast())) }
    }

    @Test func signatureCoversEveryByte() throws {
        let key = testSigningKey()
        let block = SignedBlock.sign(header, with: key)
        #expect(block.hasValidSignature(key.publicKey))
        #expect(!block.hasValidSignature(testSigningKey(8).publicKey))
        let moved = BlockHeader(height: 3, previousHash: header.previousHash, timestampMs: header.timestampMs, firstIndex: 10,
                                entryCount: 5, treeSize: 16, root: header.root)
        #expect(!SignedBlock(header: moved, signature: block.signature).hasValidSignature(key.publicKey))
    }
}
