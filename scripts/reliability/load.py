#!/usr/bin/env python3
"""Load: wrk on loopback against the attestation route (POST /v1/attestations, a zero-knowledge proof and a
ledger append each) and the record read route (GET /v1/records/{id}, decryption and a ledger append each), for
LOAD_SECONDS (60) each. Reports requests/s, p50/p99 latency, errors (socket errors and non-2xx), and the
server's RSS before and after; then `ledger verify`. Exits 1 on any error."""
import base64
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node import Node  # noqa: E402

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
THREADS, CONNECTIONS = 2, int(os.environ.get("LOAD_CONNECTIONS", "8"))


def lua_table(items):
    return "{\n" + ",\n".join('  "%s"' % i.replace('"', '\\"') for i in items) + "\n}"


def write_scripts(n, records):
    bodies = []
    for i in range(500):
        nonce = base64.b64encode(os.urandom(32)).decode()
        bodies.append('{"record":"%s","predicates":[{"field":"birth_date","age_at_least":18}],"nonce":"%s","purpose":"loan-application"}'
                      % (records[i % len(records)], nonce))
    attest = os.path.join(n.dir, "attest.lua")
    open(attest, "w").write("""
local bodies = %s
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer %s"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/v1/attestations", nil, bodies[math.random(#bodies)])
end
""" % (lua_table(bodies), n.tokens["requester"]))
    read = os.path.join(n.dir, "read.lua")
    open(read, "w").write("""
local paths = %s
wrk.headers["Authorization"] = "Bearer %s"
request = function()
  return wrk.format("GET", paths[math.random(#paths)], nil, nil)
end
""" % (lua_table(["/v1/records/%s?purpose=audit" % r for r in records]), n.tokens["department"]))
    return {"attestations": attest, "record reads": read}


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(n, name, script):
    out = subprocess.run(["wrk", "-t%d" % THREADS, "-c%d" % CONNECTIONS, "-d%ds" % SECONDS, "--latency", "--timeout", "10s", "-s", script, n.base],
                         capture_output=True, text=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"99%\s+(\S+)", out).group(1))
    non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(x) for x in sock.groups()) if sock else 0
    return {"name": name, "requests": total, "rps": rps, "p50": p50, "p99": p99, "non2xx": non2xx, "socket": socket_errors, "raw": out}


def main():
    n = Node("load.test/node")
    try:
        n.standard_tokens()
        n.start()
        records = []
        for i in range(200):
            st, body = n.request("POST", "/v1/records", n.tokens["department"], {"type": "citizen", "national_id": "LOAD%06d" % i, "values": {
                "national_id": "LOAD%06d" % i, "full_name": "Load Citizen %d" % i, "birth_date": "1980-01-%02d" % (1 + i % 28),
                "district": "north", "income": 20000 + i}})
            assert st == 201, (st, body)
            records.append(body["record"])
        scripts = write_scripts(n, records)
        rss_start = n.rss_kib()
        results = []
        for name, script in scripts.items():
            before = n.rss_kib()
            r = run_wrk(n, name, script)
            r["rss_before"], r["rss_after"] = before, n.rss_kib()
            results.append(r)
            print("load %-13s %d s, %d connections: %d requests, %.1f req/s, p50 %.1f ms, p99 %.1f ms, %d non-2xx, %d socket errors, RSS %d -> %d KiB" % (
                name, SECONDS, CONNECTIONS, r["requests"], r["rps"], r["p50"], r["p99"], r["non2xx"], r["socket"], r["rss_before"], r["rss_after"]))
        alive = n.process.poll() is None
        size = n.request("GET", "/health")[1]["tree_size"]
        n.stop()
        verify = n.cli("ledger", "verify", "--keys", n.keys, "--data", n.data).strip()
        print("load: server alive after the runs: %s; RSS %d KiB at start, %d KiB at the end; ledger %d entries; %s" % (
            alive, rss_start, results[-1]["rss_after"], size, verify))
        errors = sum(r["non2xx"] + r["socket"] for r in results)
        if errors or not alive:
            for r in results:
                print(r["raw"])
            return 1
        return 0
    finally:
        n.clean()


if __name__ == "__main__":
    sys.exit(main())
