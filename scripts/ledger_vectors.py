#!/usr/bin/env python3
"""Independent re-implementation (hashlib + cryptography) of the CivicVault ledger formats of
docs/format/entry.md, tree.md and checkpoint.md. Writes Tests/VaultLedgerTests/Vectors/{merkle,entries,notes}.json, and, with
--merkle-repo <checkout of github.com/transparency-dev/merkle>, imports its testdata/{inclusion,consistency}
vectors (Apache-2.0; commit 417fb0c314750d94e53942e9f92e79b6d35915db) into transparency-dev-proofs.json. With --check it only compares against the committed files.

    python3 scripts/ledger_vectors.py [--merkle-repo DIR] [--check]
"""
import argparse, base64, hashlib, json, os, struct, sys

VECTORS = os.path.join(os.path.dirname(__file__), "..", "Tests", "VaultLedgerTests", "Vectors")

# ---- RFC 6962 / 9162 (recursive definitions, straight from the RFC) ----
def leaf_hash(entry): return hashlib.sha256(b"\x00" + entry).digest()
def node_hash(l, r): return hashlib.sha256(b"\x01" + l + r).digest()
def split(n):
    k = 1
    while k * 2 < n: k *= 2
    return k
def mth(leaves):
    if len(leaves) == 0: return hashlib.sha256(b"").digest()
    if len(leaves) == 1: return leaf_hash(leaves[0])
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))
def path(m, leaves):
    if len(leaves) <= 1: return []
    k = split(len(leaves))
    if m < k: return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]
def subproof(m, leaves, b):
    n = len(leaves)
    if m == n: return [] if b else [mth(leaves)]
    k = split(n)
    if m <= k: return subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]
def proof(m, leaves): return [] if m == 0 or m == len(leaves) else subproof(m, leaves, True)

REFERENCE_LEAVES = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]
# transparency-dev/merkle testonly/constants.go RootHashes(), sizes 1..8.
REFERENCE_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

def merkle_vectors():
    L = REFERENCE_LEAVES
    roots = [mth(L[:n]).hex() for n in range(1, 9)]
    assert roots == REFERENCE_ROOTS, "RFC 6962 reference roots differ"
    return {
        "description": "RFC 6962 reference tree (Certificate Transparency / transparency-dev/merkle leaves); hex",
        "leaves": [l.hex() for l in L],
        "leaf_hashes": [leaf_hash(l).hex() for l in L],
        "roots": [{"tree_size": n, "root": roots[n - 1]} for n in range(1, 9)],
        "empty_root": mth([]).hex(),
        "inclusion": [{"leaf_index": m, "tree_size": n, "hashes": [h.hex() for h in path(m, L[:n])]}
                      for n in range(1, 9) for m in range(n)],
        "consistency": [{"old_size": m, "tree_size": n, "hashes": [h.hex() for h in proof(m, L[:n])]}
                        for n in range(1, 9) for m in range(1, n + 1)],
    }

# ---- entries (docs/format/entry.md) ----
def short(s):
    b = s.encode()
    return struct.pack(">H", len(b)) + b
def encode_entry(e):
    out = b"\x01" + b"CivicVault/v1/ledger/entry" + short(e["type"]) + struct.pack(">Q", e["timestamp_ms"]) + short(e["actor"])
    attrs = e.get("attributes", {})
    out += struct.pack(">H", len(attrs))
    for k in sorted(attrs, key=lambda k: k.encode()):
        v = attrs[k]
        out += short(k)
        if "bytes" in v:
            b = base64.b64decode(v["bytes"]); out += b"\x01" + struct.pack(">I", len(b)) + b
        elif "string" in v:
            b = v["string"].encode(); out += b"\x02" + struct.pack(">I", len(b)) + b
        else:
            out += b"\x03" + struct.pack(">Q", v["u64"])
    return out

ENTRIES = [
    {"type": "record.created", "timestamp_ms": 1767225600000, "actor": "dept-health/clerk-7",
     "attributes": {"record_id": {"string": "rec_01J9Z"}, "schema": {"string": "health.v1"},
                    "commitment.age": {"bytes": base64.b64encode(bytes(range(32))).decode()},
                    "ciphertext_hash": {"bytes": base64.b64encode(hashlib.sha256(b"ct").digest()).decode()}}},
    {"type": "field.read", "timestamp_ms": 0, "actor": "a", "attributes": {}},
    {"type": "key.rotated", "timestamp_ms": 18446744073709551615, "actor": "officer/\u00e9lise",
     "attributes": {"tier": {"string": "restricted"}, "version": {"u64": 18446744073709551615}, "z": {"bytes": ""}}},
]

def entry_vectors():
    good = []
    for e in ENTRIES:
        enc = encode_entry(e)
        good.append({"json": e, "encoded": enc.hex(), "leaf_hash": leaf_hash(enc).hex()})
    base = encode_entry(ENTRIES[1])
    two = encode_entry({"type": "t", "timestamp_ms": 1, "actor": "a", "attributes": {"a": {"u64": 1}, "b": {"u64": 2}}})
    swapped = two.replace(short("a") + b"\x03" + struct.pack(">Q", 1) + short("b") + b"\x03" + struct.pack(">Q", 2),
                          short("b") + b"\x03" + struct.pack(">Q", 2) + short("a") + b"\x03" + struct.pack(">Q", 1))
    dup = two.replace(short("b") + b"\x03" + struct.pack(">Q", 2), short("a") + b"\x03" + struct.pack(">Q", 2))
    bad = [
        {"why": "unknown version", "encoded": (b"\x02" + base[1:]).hex(), "error": "unsupportedVersion"},
        {"why": "wrong label", "encoded": (base[:5] + b"X" + base[6:]).hex(), "error": "malformedEntry"},
        {"why": "trailing byte", "encoded": (base + b"\x00").hex(), "error": "malformedEntry"},
        {"why": "truncated", "encoded": base[:-1].hex(), "error": "malformedEntry"},
        {"why": "attributes out of order", "encoded": swapped.hex(), "error": "malformedEntry"},
        {"why": "duplicate attribute", "encoded": dup.hex(), "error": "malformedEntry"},
        {"why": "unknown value tag", "encoded": two.replace(b"\x03" + struct.pack(">Q", 2), b"\x04" + struct.pack(">Q", 2)).hex(), "error": "malformedEntry"},
        {"why": "empty type", "encoded": (b"\x01" + b"CivicVault/v1/ledger/entry" + short("") + struct.pack(">Q", 0) + short("a") + b"\x00\x00").hex(), "error": "malformedEntry"},
        {"why": "invalid UTF-8 actor", "encoded": (b"\x01" + b"CivicVault/v1/ledger/entry" + short("t") + struct.pack(">Q", 0) + b"\x00\x01\xff" + b"\x00\x00").hex(), "error": "malformedEntry"},
        {"why": "empty", "encoded": "", "error": "malformedEntry"},
    ]
    return {"description": "canonical entry encodings (FORMAT.md 3.1); hex", "entries": good, "malformed": bad}

# ---- signed notes and checkpoints (C2SP) ----
def note_vectors():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization
    skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    seed = base64.b64decode(skey.split("+", 4)[4])[1:]
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    pub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    name = "PeterNeumann"
    key_id = hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4]
    vkey = name + "+" + key_id.hex() + "+" + base64.b64encode(b"\x01" + pub).decode()
    assert vkey == "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    def sign(text):
        return text + "\n" + "\u2014 " + name + " " + base64.b64encode(key_id + sk.sign(text.encode())).decode() + "\n"
    go_text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    go_note = sign(go_text)
    assert go_note.endswith("x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
    root = mth(REFERENCE_LEAVES)
    body = f"{name}\n8\n{base64.b64encode(root).decode()}\n"
    return {
        "description": "C2SP signed notes with the golang.org/x/mod/sumdb/note documentation key",
        "signer_seed": seed.hex(),
        "verifier_key": vkey,
        "go_example": {"text": go_text, "note": go_note},
        "spec_example": {"verifier_key": "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
                         "note": "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"},
        "checkpoint": {"origin": name, "tree_size": 8, "root": root.hex(), "body": body, "note": sign(body)},
    }

def import_merkle(repo):
    out = {"description": "imported from github.com/transparency-dev/merkle testdata (Apache-2.0); base64", "inclusion": [], "consistency": []}
    for kind in ("inclusion", "consistency"):
        base = os.path.join(repo, "testdata", kind)
        for d, _, names in sorted(os.walk(base)):
            for f in sorted(names):
                with open(os.path.join(d, f)) as fh:
                    v = json.load(fh)
                v["file"] = os.path.relpath(os.path.join(d, f), repo)
                out[kind].append(v)
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--merkle-repo")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    files = {"merkle.json": merkle_vectors(), "entries.json": entry_vectors(), "notes.json": note_vectors()}
    if args.merkle_repo: files["transparency-dev-proofs.json"] = import_merkle(args.merkle_repo)
    ok = True
    for name, data in files.items():
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        path = os.path.join(VECTORS, name)
        if args.check:
            same = open(path).read() == text
            print(f"{name}: {'same' if same else 'DIFFERENT'}"); ok &= same
        else:
            open(path, "w").write(text); print(f"wrote {path}")
    sys.exit(0 if ok else 1)

if __name__ == "__main__":
    main()
