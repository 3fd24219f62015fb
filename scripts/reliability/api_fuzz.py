#!/usr/bin/env python3
"""API fuzzing: schemathesis (installed into .venv-rel by this script) against docs/openapi.yaml on a node served
on 127.0.0.1, with an officer's bearer token (the widest role) and a seeded record. Checks: no 5xx, status codes
and content types as documented, response bodies valid against their schemas, auth not ignored. Then the server
must still be running, its log must hold no "request failed" (our 500 path), and the ledger must verify.
API_FUZZ_EXAMPLES (default 50) sets examples per operation; API_FUZZ_SECONDS bounds the run."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node import REPO, Node  # noqa: E402

VENV = os.path.join(REPO, ".venv-rel")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,ignored_auth"


def ensure_schemathesis():
    st = os.path.join(VENV, "bin", "st")
    if not os.path.exists(st):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "schemathesis>=4,<5"], check=True)
    return st


def main():
    st = ensure_schemathesis()
    examples = os.environ.get("API_FUZZ_EXAMPLES", "50")
    seconds = os.environ.get("API_FUZZ_SECONDS", "900")
    n = Node("apifuzz.test/node")
    try:
        n.standard_tokens()
        n.start()
        status, body = n.request("POST", "/v1/records", n.tokens["officer"], {"type": "citizen", "national_id": "38001010000", "values": {
            "national_id": "38001010000", "full_name": "Mari Maasikas", "birth_date": "1980-01-01", "district": "north", "income": 21000}})
        assert status == 201, (status, body)
        report = os.path.join(n.dir, "st-report")
        run = subprocess.run(
            [st, "run", os.path.join(REPO, "docs", "openapi.yaml"), "--url", n.base, "-H", "Authorization: Bearer " + n.tokens["officer"],
             "--checks", CHECKS, "--max-examples", examples, "--max-time", seconds, "--seed", os.environ.get("API_FUZZ_SEED", "8"),
             "--request-timeout", "30", "--report", "junit,ndjson", "--report-dir", report, "--no-color", "--output-truncate", "true"],
            cwd=n.dir, capture_output=True, text=True)  # schemathesis keeps its cache in the working directory
        out = run.stdout + run.stderr
        alive = n.process.poll() is None
        server_log = open(n.stderr).read() + open(n.stdout).read()
        failed_500 = server_log.count("request failed")
        n.stop()
        verify = n.cli("ledger", "verify", "--keys", n.keys, "--data", n.data).strip()
        summary = [line for line in out.splitlines() if re.search(r"(passed|failed|errors?|Test cases|Operations|Seed|generated|Warnings)", line)]
        print("\n".join(summary[-15:]))
        print("api fuzz: schemathesis exit %d; server alive: %s; 500s logged by the server: %d; %s" % (run.returncode, alive, failed_500, verify))
        if run.returncode != 0 or not alive or failed_500:
            print(out[-20000:])
            return 1
        return 0
    finally:
        n.clean()


if __name__ == "__main__":
    sys.exit(main())
