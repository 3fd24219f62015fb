import Testing
@testable import VaultCrypto

/// Shamir shares over the Ristretto255 scalar field: every k-subset of a 3-of-5 split opens the key file, k-1
/// do not, and duplicate, wrong, foreign and mistyped shares are refused by name.
@Suite struct SecretSharesTests {
    static func texts(_ shares: [SecretShares.Share]) -> [SecureBytes] { shares.map(\.secretText) }

    @Test func everyThreeSubsetOfFiveOpensTheKeyFileAndTwoDoNot() throws {
        let keys = NodeKeys.generate(name: "shares.test/node")
        let secret = Scalar.random()
        let file = try KeyFile.seal(keys, shareSecret: secret)
        #expect(try KeyFile.protection(of: file) == .shares)
        let (set, shares) = try SecretShares.split(secret, threshold: 3, count: 5, nodeName: keys.name)
        let texts = Self.texts(shares)
        var subsets = 0
        for a in 0..<5 { for b in (a + 1)..<5 { for c in (b + 1)..<5 {
            let collector = ShareCollector(set: try SecretShares.ShareSet(parsing: set.text))
            #expect(try collector.add(texts[c]) == nil)
            #expect(try collector.add(texts[a]) == nil)
            #expect(collector.progress == 2)
            let recovered = try #require(try collector.add(texts[b]))
            #expect(recovered == secret)
            let opened = try KeyFile.open(file, shareSecret: recovered)
            #expect(opened.derivationRoot == keys.derivationRoot && opened.currentKeyEncryptionKey.key == keys.currentKeyEncryptionKey.key && opened.name == keys.name)
            subsets += 1
        } } }
        #expect(subsets == 10)
        // Two shares are not enough.
        #expect(throws: SecretShares.Failure.notEnoughShares(have: 2, need: 3)) { try SecretShares.combine([shares[0], shares[4]], set: set) }
        // A passphrase cannot open a share-protected file, and a wrong secret fails like a wrong passphrase.
        #expect(throws: KeyFile.Failure.sharesRequired) { try KeyFile.open(file, passphrase: SecureBytes(copying: Array("x".utf8))) }
        #expect(throws: KeyFile.Failure.wrongPassphraseOrAltered) { try KeyFile.open(file, shareSecret: Scalar.random()) }
    }

    @Test func namedRefusals() throws {
        let secret = Scalar.random()
        let (set, shares) = try SecretShares.split(secret, threshold: 3, count: 5, nodeName: "node-a")
        let collector = ShareCollector(set: set)
        _ = try collector.add(shares[0].secretText)
        // The same share twice.
        #expect(throws: SecretShares.Failure.duplicateShare(index: 1)) { try collector.add(shares[0].secretText) }
        // A share of another node, and of another split of this node.
        let (_, other) = try SecretShares.split(secret, threshold: 3, count: 5, nodeName: "node-b")
        #expect(throws: SecretShares.Failure.shareForAnotherNode) { try collector.add(other[1].secretText) }
        let (_, resplit) = try SecretShares.split(secret, threshold: 3, count: 5, nodeName: "node-a")
        #expect(throws: SecretShares.Failure.shareFromAnotherSet) { try collector.add(resplit[1].secretText) }
        // A wrong value with a valid checksum (a forged share): caught by the commitments.
        let forged = SecretShares.Share(
            nodeTag: shares[1].nodeTag, setID: shares[1].setID, threshold: 3, count: 5, index: 2, value: shares[1].value + Scalar.one)
        #expect(throws: SecretShares.Failure.wrongShare(index: 2)) { try collector.add(forged.secretText) }
        // A mistyped share: one hex digit changed.
        var typo = shares[2].secretText.unsafeCopy()
        typo[40] = typo[40] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(throws: SecretShares.Failure.shareChecksum) { try collector.add(SecureBytes(copying: typo)) }
        #expect(throws: SecretShares.Failure.malformedShare) { try collector.add(SecureBytes(copying: Array("hello".utf8))) }
        // None of that disturbed the one good share given: two more open it.
        #expect(collector.progress == 1)
        #expect(try collector.add(shares[3].secretText) == nil)
        #expect(try collector.add(shares[4].secretText) == secret)
    }

    @Test func parametersAndSetText() throws {
        #expect(throws: SecretShares.Failure.invalidParameters) { try SecretShares.split(.random(), threshold: 1, count: 5, nodeName: "n") }
        #expect(throws: SecretShares.Failure.invalidParameters) { try SecretShares.split(.random(), threshold: 4, count: 3, nodeName: "n") }
        let (set, _) = try SecretShares.split(.random(), threshold: 2, count: 2, nodeName: "n")
        #expect(try SecretShares.ShareSet(parsing: set.text) == set)
        #expect(throws: SecretShares.Failure.malformedShareSet) { try SecretShares.ShareSet(parsing: set.text + " 00") }
        // The share's text never shows in descriptions.
        #expect(!"\(set)".contains("cvshare1-"))
    }
}
