#!/usr/bin/env python3
"""Independent check of CivicVault's proof vectors, written from docs/format/proofs.md alone.

Needs only Python 3 and the system libsodium (>= 1.0.18, called through ctypes; Debian: libsodium23). Scalar
arithmetic is done with Python integers mod l; libsodium does the group operations and the hash-to-point map.

    python3 scripts/verify_proof_vectors.py [Tests/VaultProofsTests/Vectors/proof-*.json ...]

Exit status 0 when every vector verifies and matches its recorded transcript and challenge.
"""
import ctypes
import ctypes.util
import glob
import hashlib
import json
import os
import sys

L = 2**252 + 27742317777372353535851937790883648493
IDENTITY = bytes(32)

_lib = ctypes.util.find_library("sodium") or "libsodium.so.23"
sodium = ctypes.CDLL(_lib)
if sodium.sodium_init() < 0:
    sys.exit("sodium_init failed")


def scalar_bytes(x):
    return (x % L).to_bytes(32, "little")


def scalar(b, what="scalar"):
    x = int.from_bytes(b, "little")
    if len(b) != 32 or x >= L:
        raise ValueError(f"non-canonical {what}")
    return x


def reduce64(b):
    return int.from_bytes(b, "little") % L


def valid_point(b):
    if len(b) != 32 or b == IDENTITY:
        return False
    return sodium.crypto_core_ristretto255_is_valid_point(b) == 1


def base(x):
    out = ctypes.create_string_buffer(32)
    rc = sodium.crypto_scalarmult_ristretto255_base(out, scalar_bytes(x))
    return out.raw if rc == 0 else IDENTITY  # libsodium refuses to output the identity (x = 0)


def mul(p, x):
    if p == IDENTITY:
        return IDENTITY
    out = ctypes.create_string_buffer(32)
    rc = sodium.crypto_scalarmult_ristretto255(out, scalar_bytes(x), p)
    return out.raw if rc == 0 else IDENTITY


def add(p, q):
    out = ctypes.create_string_buffer(32)
    if sodium.crypto_core_ristretto255_add(out, p, q) != 0:
        raise ValueError("add failed")
    return out.raw


def sub(p, q):
    out = ctypes.create_string_buffer(32)
    if sodium.crypto_core_ristretto255_sub(out, p, q) != 0:
        raise ValueError("sub failed")
    return out.raw


def from_hash(h):
    out = ctypes.create_string_buffer(32)
    sodium.crypto_core_ristretto255_from_hash(out, h)
    return out.raw


H = from_hash(hashlib.sha512(b"CivicVault/v1/pedersen-H").digest())
P = [H]
for _ in range(63):
    P.append(add(P[-1], P[-1]))


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"truncated at {self.pos}")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self):
        return self.take(1)[0]

    def scalar(self):
        return scalar(self.take(32))

    def point(self):
        b = self.take(32)
        if not valid_point(b):
            raise ValueError(f"invalid or identity point at {self.pos - 32}")
        return b

    def done(self):
        if self.pos != len(self.data):
            raise ValueError("trailing bytes")


def parse_statement(data):
    r = Reader(data)
    if r.u8() != 1:
        raise ValueError("statement version")
    commitments = [r.point() for _ in range(r.u8())]
    clauses = []
    for _ in range(r.u8()):
        t, index = r.u8(), r.u8()
        if t == 1:
            params = ()
        elif t == 2:
            params = (r.scalar(),)
        elif t == 3:
            params = (r.u8(),)
        elif t == 4:
            params = ([r.scalar() for _ in range(r.u8())],)
        elif t in (5, 6):
            params = (r.scalar(), r.u8())
        elif t == 7:
            params = (r.scalar(), r.scalar(), r.u8())
        else:
            raise ValueError(f"unknown predicate type {t}")
        clauses.append((t, index, params))
    r.done()
    return commitments, clauses


def item(label, data):
    label = label.encode()
    return len(label).to_bytes(4, "big") + label + len(data).to_bytes(4, "big") + data


def range_section(r, c, C, sigma, t, n):
    """Reads one range section and returns its transcript items (4.7)."""
    bits = [r.point() for _ in range(n)]
    resp = [(r.scalar(), r.scalar(), r.scalar()) for _ in range(n)]
    zd, zr, zs = r.scalar(), r.scalar(), r.scalar()
    D = bits[0]
    for b in bits[1:]:
        D = add(D, b)
    out = b"".join(item("B", b) for b in bits)
    for i, (b, (c0, z0, z1)) in enumerate(zip(bits, resp)):
        a0 = sub(base(z0), mul(b, c0))
        a1 = sub(base(z1), mul(sub(b, P[i]), c - c0))
        out += item("A0", a0) + item("A1", a1)
    t1 = sub(add(base(zd + sigma * c * t), mul(H, zr)), mul(C, sigma * c))
    t2 = sub(add(base(zs), mul(H, zd)), mul(D, c))
    return out + item("T1", t1) + item("T2", t2)


def recompute_transcript(statement, context, proof):
    commitments, clauses = parse_statement(statement)
    ptype = clauses[0][0] if len(clauses) == 1 else 0x10
    r = Reader(proof)
    if r.u8() != 1:
        raise ValueError("proof version")
    if r.u8() != ptype:
        raise ValueError("proof type")
    c = r.scalar()
    tr = item("domain", b"CivicVault/v1/transcript") + item("protocol", b"CivicVault/v1/sigma-and")
    tr += item("version", b"\x01") + item("proof-type", bytes([ptype]))
    tr += item("statement", statement) + item("context", context)
    for t, index, params in clauses:
        C = commitments[index]
        if t == 1:
            zv, zr = r.scalar(), r.scalar()
            tr += item("A", sub(add(base(zv), mul(H, zr)), mul(C, c)))
        elif t == 2:
            (a,), z = params, r.scalar()
            tr += item("A", sub(add(base(c * a), mul(H, z)), mul(C, c)))
        elif t == 3:
            (j,), z = params, r.scalar()
            tr += item("A", sub(mul(H, z), mul(sub(C, commitments[j]), c)))
        elif t == 4:
            (members,) = params
            cs = [r.scalar() for _ in range(len(members) - 1)]
            cs.append((c - sum(cs)) % L)
            zs = [r.scalar() for _ in members]
            for a, cj, zj in zip(members, cs, zs):
                tr += item("A", sub(add(base(cj * a), mul(H, zj)), mul(C, cj)))
        elif t == 5:
            tr += range_section(r, c, C, 1, params[0], params[1])
        elif t == 6:
            tr += range_section(r, c, C, -1, params[0], params[1])
        elif t == 7:
            tr += range_section(r, c, C, 1, params[0], params[2])
            tr += range_section(r, c, C, -1, params[1], params[2])
    r.done()
    return tr, c


def check(path):
    v = json.load(open(path))
    statement, context, proof = (bytes.fromhex(v[k]) for k in ("statement", "context", "proof"))
    tr, c = recompute_transcript(statement, context, proof)
    assert reduce64(hashlib.sha512(tr).digest()) == c, "challenge does not match: proof invalid"
    assert tr.hex() == v["transcript"], "transcript differs from the recorded one"
    assert scalar_bytes(c).hex() == v["challenge"], "challenge differs from the recorded one"
    commitments, _ = parse_statement(statement)
    for C, value, blinding in zip(commitments, v["values"], v["blindings"]):
        opened = add(base(scalar(bytes.fromhex(value))), mul(H, scalar(bytes.fromhex(blinding))))
        assert opened == C, "opening does not match commitment"
    # A flipped byte must not verify.
    bad = bytearray(proof)
    bad[len(bad) // 2] ^= 1
    try:
        tr2, c2 = recompute_transcript(statement, context, bytes(bad))
        assert reduce64(hashlib.sha512(tr2).digest()) != c2, "a mutated proof verified"
    except ValueError:
        pass
    return v["name"], len(proof)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(here, "..", "Tests", "VaultProofsTests", "Vectors", "proof-*.json")))
    if not paths:
        sys.exit("no vectors found")
    failed = 0
    for path in paths:
        try:
            name, size = check(path)
            print(f"ok   {name} ({size} bytes)")
        except (AssertionError, ValueError) as e:
            failed += 1
            print(f"FAIL {os.path.basename(path)}: {e}")
    print(f"{len(paths) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
