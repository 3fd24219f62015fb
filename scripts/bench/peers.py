#!/usr/bin/env python3
"""Peer benchmarks for `make bench`, run inside the virtualenv that scripts/bench/run.py makes (.venv-bench).

Times, on this machine and in the same run as CivicVault's own benchmarks:
  - AnonCreds (anoncreds, the Hyperledger anoncreds-rs wrapper): a presentation proving one ">=" predicate,
    created by the holder and verified by the verifier, and its size;
  - zksk (zksk-fork): the 32-bit range proof 0 <= x < 2^32 about a Pedersen commitment (PowerTwoRangeStmt),
    proved and verified, and its size;
  - PyNaCl: sealed boxes and XChaCha20-Poly1305 on the same sizes as `civicvault-bench crypto`, and whether it
    opens the sealed box and ciphertext that Swift made (cross-language sanity check).

Each peer is optional: if its package is missing, its entry says why and nothing is invented. Times are medians
of per-operation process CPU time (time.process_time) and of wall time (time.perf_counter).
"""
import argparse
import json
import os
import statistics
import sys
import time


def timed(fn):
    """Runs fn once; returns (result, wall seconds, CPU seconds)."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def summary(walls, cpus):
    return {
        "wall_ms": statistics.median(walls) * 1e3,
        "cpu_ms": statistics.median(cpus) * 1e3,
        "wall_p99_ms": sorted(walls)[min(len(walls) - 1, int(0.99 * len(walls)))] * 1e3,
        "runs": len(walls),
    }


def anoncreds_bench(runs, cache_dir):
    import anoncreds
    from anoncreds import (Credential, CredentialDefinition, CredentialDefinitionPrivate, CredentialOffer,
                           CredentialRequest, KeyCorrectnessProof, PresentCredentials, Presentation,
                           PresentationRequest, Schema, create_link_secret, generate_nonce)

    issuer = "https://civicvault.example/issuers/population-register"
    schema_id = "https://civicvault.example/schemas/citizen/1.0"
    cred_def_id = "https://civicvault.example/credential-definitions/citizen/1"
    fixture = os.path.join(cache_dir, "anoncreds-issuer.json")
    # The issuer's key generation (safe primes, tens of seconds) is setup, not measured: cache it per virtualenv.
    if os.path.exists(fixture):
        with open(fixture) as f:
            saved = json.load(f)
        schema = Schema.load(saved["schema"])
        cred_def = CredentialDefinition.load(saved["cred_def"])
        cred_def_pvt = CredentialDefinitionPrivate.load(saved["cred_def_pvt"])
        key_proof = KeyCorrectnessProof.load(saved["key_proof"])
        setup_note = "issuer keys loaded from " + os.path.basename(fixture)
    else:
        schema = Schema.create("citizen", "1.0", issuer, ["national_id", "full_name", "birth_date", "district", "income", "email"])
        (cred_def, cred_def_pvt, key_proof), w, _ = timed(
            lambda: CredentialDefinition.create(schema_id, schema, issuer, "default", "CL", support_revocation=False))
        with open(fixture, "w") as f:
            json.dump({"schema": schema.to_json(), "cred_def": cred_def.to_json(), "cred_def_pvt": cred_def_pvt.to_json(),
                       "key_proof": key_proof.to_json()}, f)
        setup_note = "issuer keys generated in %.1f s (cached for later runs)" % w
    link_secret = create_link_secret()
    offer = CredentialOffer.create(schema_id, cred_def_id, key_proof)
    request, request_meta = CredentialRequest.create("civicvault-bench-holder", None, cred_def, link_secret, "default", offer)
    values = {"national_id": "38001010000", "full_name": "Mari Maasikas", "birth_date": "19800101", "district": "north",
              "income": "21000", "email": "mari@example.org"}
    credential = Credential.create(cred_def, cred_def_pvt, offer, request, values).process(request_meta, link_secret, cred_def)
    schemas, cred_defs = {schema_id: schema}, {cred_def_id: cred_def}

    def presentation_request():
        return PresentationRequest.load({
            "nonce": generate_nonce(), "name": "loan-application", "version": "1.0",
            "requested_attributes": {},
            "requested_predicates": {"income": {"name": "income", "p_type": ">=", "p_value": 18000,
                                                "restrictions": [{"cred_def_id": cred_def_id}]}},
        })

    def create(pr):
        present = PresentCredentials()
        present.add_predicates(credential, "income")
        return Presentation.create(pr, present, {}, link_secret, schemas, cred_defs)

    pw, pc, vw, vc, sizes = [], [], [], [], []
    for i in range(runs + 1):  # the first run warms up
        pr = presentation_request()
        presentation, w1, c1 = timed(lambda: create(pr))
        ok, w2, c2 = timed(lambda: presentation.verify(pr, schemas, cred_defs))
        if not ok:
            raise RuntimeError("AnonCreds presentation did not verify")
        if i == 0:
            continue
        pw.append(w1); pc.append(c1); vw.append(w2); vc.append(c2)
        sizes.append(len(presentation.to_json().encode()))
    return {
        "version": getattr(anoncreds, "__version__", None) or package_version("anoncreds"),
        "statement": "one predicate income >= 18000 on a CL credential (6 attributes), no revealed attributes, no revocation",
        "create": summary(pw, pc), "verify": summary(vw, vc),
        "total_cpu_ms": statistics.median([a + b for a, b in zip(pc, vc)]) * 1e3,
        "total_wall_ms": statistics.median([a + b for a, b in zip(pw, vw)]) * 1e3,
        "bytes": int(statistics.median(sizes)), "setup": setup_note,
    }


def zksk_bench(runs):
    from petlib.ec import EcGroup
    from zksk import Secret
    from zksk.primitives.rangeproof import PowerTwoRangeStmt

    group = EcGroup()  # petlib's default: NIST P-256
    g, h = group.hash_to_point(b"g"), group.hash_to_point(b"h")
    order = group.order()
    pw, pc, vw, vc, sizes = [], [], [], [], []
    for i in range(runs + 1):
        x, r = Secret(value=123456789 + i), Secret(value=order.random())
        com = (x * g + r * h).eval()
        stmt = PowerTwoRangeStmt(com=com, g=g, h=h, num_bits=32, x=x, randomizer=r)
        nizk, w1, c1 = timed(stmt.prove)
        verifier = PowerTwoRangeStmt(com=com, g=g, h=h, num_bits=32, x=Secret(), randomizer=Secret())
        ok, w2, c2 = timed(lambda: verifier.verify(nizk))
        if not ok:
            raise RuntimeError("zksk range proof did not verify")
        if i == 0:
            continue
        pw.append(w1); pc.append(c1); vw.append(w2); vc.append(c2)
        sizes.append(len(nizk.serialize()))
    return {
        "version": package_version("zksk-fork") or package_version("zksk"),
        "statement": "PowerTwoRangeStmt: C = xG + rH and 0 <= x < 2^32, on P-256 (petlib)",
        "prove": summary(pw, pc), "verify": summary(vw, vc), "bytes": int(statistics.median(sizes)),
    }


def pynacl_bench(operations, swift_crypto):
    import nacl
    import nacl.bindings as b
    from nacl.public import PrivateKey, SealedBox

    size = int(swift_crypto.get("size", 64)) if swift_crypto else 64
    plaintext = b"p" * size
    recipient = PrivateKey.generate()
    box = SealedBox(recipient.public_key).encrypt(plaintext)
    key, nonce, aad = os.urandom(32), os.urandom(24), b"CivicVault/bench"
    ct = b.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, key)
    seal, opener = SealedBox(recipient.public_key), SealedBox(recipient)

    out = {"version": nacl.__version__, "size": size}

    def each(name, fn):
        """Median over five batches of the per-operation wall and process CPU time, in microseconds."""
        walls, cpus = [], []
        for _ in range(5):
            w, c = time.perf_counter(), time.process_time()
            for _ in range(operations):
                fn()
            walls.append((time.perf_counter() - w) / operations)
            cpus.append((time.process_time() - c) / operations)
        out[name + "_us"] = statistics.median(walls) * 1e6
        out[name + "_cpu_us"] = statistics.median(cpus) * 1e6

    each("sealed_box_seal", lambda: seal.encrypt(plaintext))
    each("sealed_box_open", lambda: opener.decrypt(box))
    each("aead_encrypt", lambda: b.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, key))
    each("aead_decrypt", lambda: b.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, aad, nonce, key))
    if swift_crypto:
        # Opens what Swift sealed: the same libsodium constructions on both sides, byte for byte.
        h = bytes.fromhex
        try:
            opened = SealedBox(PrivateKey(h(swift_crypto["sample_recipient_secret_hex"]))).decrypt(h(swift_crypto["sample_sealed_box_hex"]))
            aead = b.crypto_aead_xchacha20poly1305_ietf_decrypt(
                h(swift_crypto["sample_aead_ciphertext_hex"]), h(swift_crypto["sample_aead_aad_hex"]),
                h(swift_crypto["sample_aead_nonce_hex"]), h(swift_crypto["sample_aead_key_hex"]))
            expected = h(swift_crypto["sample_plaintext_hex"])
            out["interop"] = "ok" if opened == expected and aead == expected else "MISMATCH"
        except Exception as e:  # a failure here is a finding, reported in the table
            out["interop"] = "FAILED: %s" % e
    return out


def package_version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", required=True, help="where to write the results")
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    ap.add_argument("--cache-dir", default=".venv-bench", help="where the AnonCreds issuer keys are cached")
    ap.add_argument("--swift-crypto", help="the JSON written by `civicvault-bench crypto --json`")
    args = ap.parse_args()
    swift_crypto = None
    if args.swift_crypto and os.path.exists(args.swift_crypto):
        with open(args.swift_crypto) as f:
            swift_crypto = json.load(f)
    results = {}
    plan = [
        ("anoncreds", lambda: anoncreds_bench(8 if args.quick else 30, args.cache_dir)),
        ("zksk", lambda: zksk_bench(8 if args.quick else 30)),
        ("pynacl", lambda: pynacl_bench(500 if args.quick else 2000, swift_crypto)),
    ]
    for name, fn in plan:
        print("peers: %s ..." % name, flush=True)
        try:
            results[name] = fn()
            print("peers: %s: %s" % (name, json.dumps(results[name], sort_keys=True)), flush=True)
        except ImportError as e:
            results[name] = {"unavailable": "not installed (%s)" % e}
            print("peers: %s unavailable: %s" % (name, e), flush=True)
        except Exception as e:
            results[name] = {"unavailable": "failed: %s: %s" % (type(e).__name__, e)}
            print("peers: %s failed: %s" % (name, e), flush=True)
    results["python"] = sys.version.split()[0]
    with open(args.json, "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
