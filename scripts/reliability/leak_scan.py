#!/usr/bin/env python3
"""Leak scan: serve a node, walk the README tour with recognisable values (plus bad requests that carry a canary),
run `civicvault demo` against it, then search the database, its WAL and SHM, the server's stdout and stderr,
/metrics, every ledger entry (as served and as stored) and the checkpoint for every plaintext value and every
token (text, secret part, raw bytes). Prints the figures; exits 1 on any hit."""
import base64
import json
import os
import re
import shutil
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node import Node  # noqa: E402

CANARY = {
    "national_id": "LEAKNID7391046",
    "full_name": "Zyxwvut Leakcanary",
    "birth_date": "1977-03-29",
    "district": "harbour",  # an enum: its values are public in the schema, so it is not searched for
    "income": 987654,
    "email": "zyx.leakcanary@example.org",
}
SECOND = {"national_id": "LEAKNID5550172", "full_name": "Qpwoeiru Shredcanary", "birth_date": "1966-12-04", "income": 314159,
          "email": "qpw.shredcanary@example.org"}
RENAMED = "Mnbvcxz Renamecanary"
BAD_VALUE = "BADCANARY-4471-value"


def tour(n):
    t = n.tokens
    nonce = base64.b64encode(os.urandom(32)).decode()
    st, rec = n.request("POST", "/v1/records", t["department"], {"type": "citizen", "national_id": CANARY["national_id"], "values": CANARY})
    assert st == 201, (st, rec)
    rid = rec["record"]
    st, _ = n.request("GET", "/v1/records/%s?purpose=benefit-check" % rid, t["department"])
    st, _ = n.request("GET", "/v1/records/%s?purpose=audit" % rid, t["officer"])
    st, _ = n.request("GET", "/v1/records/%s?purpose=audit" % rid, t["requester"])  # refused, logged
    st, att = n.request("POST", "/v1/attestations", t["requester"], {
        "record": rid, "predicates": [{"field": "birth_date", "age_at_least": 18}, {"field": "income", "below": 30000}],
        "nonce": nonce, "purpose": "loan-application"})
    assert st == 201, (st, att)
    st, _ = n.request("POST", "/v1/attestations/verify", None, {"bundle": att["bundle"], "requester": "bank-1", "nonce": nonce})
    assert st == 200
    st, appr = n.request("POST", "/v1/attestations", t["landlord"], {
        "record": rid, "predicates": [{"field": "district", "in": ["north", "harbour"]}], "nonce": nonce, "purpose": "tenancy"})
    assert st == 202, (st, appr)
    st, dec = n.request("POST", "/v1/approvals/%s" % appr["approval"], t["officer"], {"decision": "approve"})
    assert st == 200, (st, dec)
    n.request("GET", "/v1/approvals/%s" % appr["approval"], t["landlord"])
    values = dict(CANARY, full_name=RENAMED)
    st, _ = n.request("PUT", "/v1/records/%s" % rid, t["department"], {"values": values})
    assert st == 200
    st, rec2 = n.request("POST", "/v1/records", t["officer"], {"type": "citizen", "national_id": SECOND["national_id"], "values": SECOND})
    assert st == 201
    n.request("DELETE", "/v1/records/%s" % rec2["record"], t["officer"])
    n.request("POST", "/v1/grants", t["officer"], {"member": "analyst-9", "role": "department", "clearance": "internal"})
    n.request("POST", "/v1/tiers/confidential/rotate", t["officer"])
    n.request("DELETE", "/v1/grants/analyst-9", t["officer"])
    n.request("GET", "/v1/citizens/me/access-log", t["citizen"])
    n.request("GET", "/v1/audit/ledger", t["auditor"])
    n.request("GET", "/v1/ledger/proofs/inclusion?index=0")
    # Bad requests carrying canaries: errors and logs must not echo them.
    n.request("POST", "/v1/records", t["department"], {"type": "citizen", "national_id": "1", "values": {"full_name": BAD_VALUE, "income": "lots"}})
    n.request("POST", "/v1/records", t["department"], {"type": "citizen", "national_id": "1", "values": {"national_id": "1", "full_name": "x", "birth_date": BAD_VALUE}})
    n.request("POST", "/v1/records", t["department"], {"type": "citizen", "national_id": "1", "values": {"district": BAD_VALUE, "national_id": "1", "full_name": "x", "birth_date": "1990-01-01"}})
    n.request("GET", "/v1/records/r-nope?purpose=" + BAD_VALUE.lower(), t["department"])
    n.request("GET", "/v1/records/%s?purpose=audit" % rid, "cvt_" + "A" * 43)
    return rid


def needles(n, demo_suffixes):
    out = {}
    for values in (CANARY, SECOND):
        for k, v in values.items():
            if k == "district":
                continue
            out["%s=%s" % (k, v)] = str(v).encode()
    out["renamed full_name"] = RENAMED.encode()
    out["bad-request value"] = BAD_VALUE.encode()
    for s in demo_suffixes:
        out["demo national id DEMO%s" % s] = ("DEMO" + s).encode()
        out["demo full name"] = ("Demo Citizen " + s).encode()
    for name, tok in n.tokens.items():
        secret = tok[len("cvt_"):]
        out["token %s (text)" % name] = tok.encode()
        out["token %s (secret part)" % name] = secret.encode()
        raw = base64.urlsafe_b64decode(secret + "=")
        out["token %s (raw 32 bytes)" % name] = raw
        out["token %s (raw, base64)" % name] = base64.b64encode(raw).rstrip(b"=")
    return out


def main():
    n = Node("leakscan.test/node")
    try:
        n.standard_tokens(citizen_id=CANARY["national_id"])
        n.start()
        tour(n)
        demo = n.cli("demo", "--keys", n.keys, "--data", n.data, "--url", n.base)
        assert "demo complete" in demo, demo
        # Surfaces while the node runs: the WAL, metrics, the ledger as served.
        scan_dir = os.path.join(n.dir, "scan")
        os.makedirs(scan_dir)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(n.database + suffix):
                shutil.copy(n.database + suffix, os.path.join(scan_dir, "live.sqlite" + suffix))
        st, metrics = n.request("GET", "/metrics", raw=True)
        open(os.path.join(scan_dir, "metrics.txt"), "wb").write(metrics)
        st, cp = n.request("GET", "/v1/ledger/checkpoint", raw=True)
        open(os.path.join(scan_dir, "checkpoint.txt"), "wb").write(cp)
        size = n.request("GET", "/health")[1]["tree_size"]
        ledger = b""
        for start in range(0, size, 1000):
            ledger += n.request("GET", "/v1/ledger/entries?from=%d&to=%d" % (start, min(size, start + 1000)), raw=True)[1]
        open(os.path.join(scan_dir, "ledger-entries.json"), "wb").write(ledger)
        actors = set(re.findall(rb'"actor":"demo-clerk-([0-9a-f]+)"', ledger))
        suffixes = sorted(a.decode() for a in actors)
        n.stop()  # clean stop: the WAL is checkpointed into the file
        files = [os.path.join(scan_dir, f) for f in sorted(os.listdir(scan_dir))]
        files += [p for p in (n.database, n.database + "-wal", n.database + "-shm", n.stdout, n.stderr) if os.path.exists(p)]
        table = needles(n, suffixes)
        hits, scanned = [], 0
        for path in files:
            blob = open(path, "rb").read()
            scanned += len(blob)
            for name, needle in table.items():
                if needle in blob or needle.lower() in blob.lower():
                    hits.append((os.path.basename(path), name))
        print("leak scan: %d files, %d bytes scanned, %d needles (%d plaintext values, %d token forms), %d ledger entries, demo suffixes %s" % (
            len(files), scanned, len(table), sum(1 for k in table if not k.startswith("token")),
            sum(1 for k in table if k.startswith("token")), size, ",".join(suffixes) or "none"))
        for path in files:
            print("  %-28s %10d bytes" % (os.path.basename(path), os.path.getsize(path)))
        # Controls: values that must be found where they belong, so a scan that finds nothing is meaningful.
        controls = {"node name in checkpoint.txt": (b"leakscan.test/node", "checkpoint.txt"),
                    "token hash prefix table in the database": (b"vault_token", "civicvault.sqlite"),
                    "actor dept-clerk-1 in ledger-entries.json": (b"dept-clerk-1", "ledger-entries.json")}
        for name, (needle, fname) in controls.items():
            path = next(p for p in files if os.path.basename(p) == fname)
            if needle not in open(path, "rb").read():
                print("control not found: %s" % name)
                return 1
        print("leak scan: %d controls found where they belong" % len(controls))
        if hits:
            for f, name in hits:
                print("HIT: %s in %s" % (name, f))
            print("leak scan: %d hits" % len(hits))
            return 1
        print("leak scan: 0 hits")
        return 0
    finally:
        n.clean()


if __name__ == "__main__":
    sys.exit(main())
