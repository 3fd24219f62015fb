#!/usr/bin/env python3
"""`make bench`: every CivicVault benchmark and its baseline in one run, written to docs/BENCHMARKS.md.

Runs, in this order, each beside a baseline measured in the same run (the single measurements are the subcommands of
the `civicvault-bench` binary, Sources/CivicVaultBench; the service is the `civicvault` binary):
  1. civicvault-bench crypto   sealed boxes and XChaCha20-Poly1305 (PyNaCl cross-check, step 6)
  2. civicvault-bench proofs   each predicate's prove/verify vs the libsodium floor of the same operation counts
  3. civicvault-bench attest   "attribute >= threshold" end to end: attest + offline bundle verification
  4. civicvault-bench records  encrypt+commit+append of ten-field records vs the libsodium floor and raw SQLite
  5. civicvault-bench ledger   batched ledger appends and inclusion proofs vs raw SQLite
     civicvault-bench trail    the citizen audit (tag lookups vs a full scan) and the node's replay, vs a raw SQLite
                               read of every entry and SHA-256 of as many messages
  6. scripts/bench/peers.py    AnonCreds, zksk and PyNaCl, in a virtualenv made here (.venv-bench)
  7. the HTTP service          wrk on loopback against `civicvault serve` started here (fresh keys and data)
  8. civicvault-bench postgres record writes on the PostgreSQL backend vs raw PostgreSQL writing the same rows,
                               on the throwaway local server of scripts/postgres-test.sh (installed and started here)

Only the standard library: it installs what is missing (wrk, python3-venv, libssl-dev via apt-get; the peers via
pip into .venv-bench) and never needs anything else. --quick runs fewer iterations and writes to .build/bench/
unless --out is given, so a quick run never replaces the committed full results.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.join(ROOT, "scripts", "bench")
VENV = os.path.join(ROOT, ".venv-bench")
# Pinned to the versions the reference figures were taken with.
PEER_PACKAGES = {
    "anoncreds": ["anoncreds==0.2.3"],
    "zksk": ["zksk-fork==0.0.31", "attrs"],  # zksk imports attrs without declaring it
    "pynacl": ["pynacl==1.6.2"],
}
PEER_IMPORTS = {"anoncreds": "anoncreds", "zksk": "zksk", "pynacl": "nacl"}
# What the HTTP benchmark asks for: the README's "over 18" (16-bit) and the peers' "income >= 18000" (32-bit).
ATTEST_PREDICATES = [
    ("attest_age", '{"field":"birth_date","age_at_least":18}'),
    ("attest_income", '{"field":"income","at_least":18000}'),
]


def log(msg):
    print("bench: " + msg, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout.strip()


def try_sh(cmd):
    try:
        return sh(cmd)
    except Exception:
        return None


# ---------------------------------------------------------------- installing what is missing

def apt_install(packages):
    """apt-get install of Debian packages that are not installed yet (root, or through sudo)."""
    missing = [p for p in packages if "install ok installed" not in (try_sh(["dpkg-query", "-W", "-f=${Status}", p]) or "")]
    if not missing:
        return True
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    log("installing " + " ".join(missing) + " with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(sudo + ["apt-get", "update"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(sudo + ["apt-get", "install", "-y"] + missing, check=True, env=env, stdout=subprocess.DEVNULL)
        return True
    except Exception as e:
        log("apt-get failed: %s" % e)
        return False


def ensure_wrk():
    if shutil.which("wrk"):
        return True
    return apt_install(["wrk"]) and shutil.which("wrk") is not None


def ensure_venv():
    """Creates .venv-bench and pip-installs each peer that is not importable yet; returns {peer: error or None}."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        if subprocess.run([sys.executable, "-m", "venv", VENV]).returncode != 0:
            apt_install(["python3-venv"])
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    status = {}
    for peer, packages in PEER_PACKAGES.items():
        if subprocess.run([python, "-c", "import " + PEER_IMPORTS[peer]], capture_output=True).returncode == 0:
            status[peer] = None
            continue
        if peer == "zksk":
            # petlib-fork and bplib-fork compile C extensions against OpenSSL and Python's headers.
            apt_install(["libssl-dev", "gcc"] + ([] if os.path.exists(os.path.join(sys.base_prefix, "include")) and
                                                  any(n.startswith("python3") for n in os.listdir(os.path.join(sys.base_prefix, "include")))
                                                  else ["python3-dev"]))
        log("pip install " + " ".join(packages) + " into .venv-bench")
        r = subprocess.run([python, "-m", "pip", "install", "-q"] + packages, capture_output=True, text=True)
        if r.returncode == 0 and subprocess.run([python, "-c", "import " + PEER_IMPORTS[peer]], capture_output=True).returncode == 0:
            status[peer] = None
        else:
            tail = (r.stderr or r.stdout or "").strip().splitlines()[-3:]
            status[peer] = "pip install %s failed: %s" % (" ".join(packages), " / ".join(tail) or "import failed after install")
            log(status[peer])
    return status, python


# ---------------------------------------------------------------- the machine

def wrk_version():
    if not shutil.which("wrk"):
        return "not installed"
    r = subprocess.run(["wrk", "-v"], capture_output=True, text=True)  # prints its version and exits 1
    lines = (r.stdout + r.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def fsync_latency_ms(directory, n=100):
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    times = []
    try:
        for _ in range(n):
            t = time.perf_counter()
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        os.remove(path)
    times.sort()
    return times[len(times) // 2] * 1e3


def machine(scratch):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    swift = (try_sh(["swift", "--version"]) or "unknown").splitlines()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
        "libsodium": try_sh(["pkg-config", "--modversion", "libsodium"]) or "unknown",
        "sqlite": try_sh(["pkg-config", "--modversion", "sqlite3"]) or "unknown",
        "swift": next((l for l in swift if "Swift version" in l), swift[0] if swift else "unknown").strip(),
        "python": platform.python_version(),
        "wrk": wrk_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_start": "%.2f %.2f %.2f" % os.getloadavg(),
        "fsync_ms": fsync_latency_ms(scratch),
        "disk": ((try_sh(["df", "--output=fstype", scratch]) or "unknown").splitlines() or ["unknown"])[-1].strip(),
    }


# ---------------------------------------------------------------- CivicVault's own benches

def civicvault_bench(binary, work, name, args):
    """Runs `civicvault-bench NAME --json FILE ARGS` (binary: the civicvault-bench executable) and returns its results."""
    out = os.path.join(work, name + ".json")
    if os.path.exists(out):
        os.remove(out)
    log("civicvault-bench %s %s" % (name, " ".join(args)))
    t = time.time()
    r = subprocess.run([binary, name, "--json", out] + args, cwd=ROOT)
    if r.returncode != 0 or not os.path.exists(out):
        log("civicvault-bench %s failed (exit %d)" % (name, r.returncode))
        return {"failed": "exit %d" % r.returncode}
    with open(out) as f:
        data = json.load(f)
    data["elapsed_s"] = time.time() - t
    return data


# ---------------------------------------------------------------- the HTTP service with wrk

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        text = resp.read().decode()
        return json.loads(text) if text.startswith("{") else text


def cpu_seconds(pid):
    """User + system CPU seconds used so far by process `pid` (all its threads)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, script, duration, connections, args, server_pid):
    cmd = ["wrk", "-t", "1", "-c", str(connections), "-d", "%ds" % duration, "--latency", "-s", script, url, "--"] + args
    before = cpu_seconds(server_pid)
    out = sh(cmd)
    used = cpu_seconds(server_pid) - before
    line = next((l for l in out.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError("wrk printed no result: " + out[-500:])
    result = json.loads(line[len("WRKJSON "):])
    # How busy the server was: CPU seconds per request and cores kept busy on average.
    result["server_cpu_ms_per_request"] = used * 1e3 / max(1, result["requests"])
    result["server_cores_busy"] = used / (result["duration_us"] / 1e6)
    return result


def service_bench(binary, work, quick):
    if not ensure_wrk():
        return {"unavailable": "wrk is not installed and apt-get could not install it"}
    base = os.path.join(work, "service")
    shutil.rmtree(base, ignore_errors=True)
    keys, data = os.path.join(base, "keys"), os.path.join(base, "data")
    node = ["--keys", keys, "--data", data]
    sh([binary, "init", "--keys", keys, "--dev", "--name", "bench.civicvault/service"], cwd=ROOT)
    sh([binary, "schema", "add"] + node + ["schemas/citizen.json"], cwd=ROOT)
    sh([binary, "policy", "install"] + node + ["Keys/policy.bench.json"], cwd=ROOT)
    dept = sh([binary, "token", "create"] + node + ["--role", "department", "--for", "bench-registrar", "--clearance", "restricted"], cwd=ROOT)
    bank = sh([binary, "token", "create"] + node + ["--role", "requester", "--for", "bank-1"], cwd=ROOT)
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    server_log = open(os.path.join(base, "serve.log"), "w")
    server = subprocess.Popen([binary, "serve"] + node + ["--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                              stdout=server_log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                http("GET", url + "/health")
                break
            except Exception:
                if server.poll() is not None:
                    raise RuntimeError("civicvault serve exited; see " + os.path.join(base, "serve.log"))
                time.sleep(0.1)
        ids = []
        for i in range(40):
            made = http("POST", url + "/v1/records", dept, {
                "type": "citizen", "national_id": "W%010d" % i,
                "values": {"national_id": "W%010d" % i, "full_name": "Bench Citizen %d" % i, "birth_date": "1980-01-%02d" % (1 + i % 28),
                           "district": "north", "income": 20000 + 100 * i, "email": "c%d@example.org" % i}})
            ids.append(made["record"])
        duration, connections = (4, 8) if quick else (15, 8)
        result = {"duration_s": duration, "connections": connections, "threads": 1, "records_seeded": len(ids)}
        log("wrk: GET /health (HTTP floor), %d s" % max(3, duration // 2))
        result["health"] = wrk(url + "/health", os.path.join(HERE, "health.lua"), max(3, duration // 2), connections, [], server.pid)
        attest = os.path.join(HERE, "attest.lua")
        for key, predicate in ATTEST_PREDICATES:
            log("wrk: POST /v1/attestations %s, %d s" % (predicate, duration))
            wrk(url, attest, 2, connections, [bank, ",".join(ids), predicate], server.pid)  # warm-up
            result[key] = wrk(url, attest, duration, connections, [bank, ",".join(ids), predicate], server.pid)
        log("wrk: POST /v1/records, %d s" % duration)
        result["records"] = wrk(url, os.path.join(HERE, "records.lua"), duration, connections, [dept], server.pid)
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server_log.close()


# ---------------------------------------------------------------- the report

def postgres_bench(binary, work, quick):
    """Starts the tests' throwaway PostgreSQL (installing postgresql when missing), runs `civicvault-bench postgres` on it in
    scratch databases, and stops the server again."""
    sh([os.path.join(ROOT, "scripts", "install-packages.sh"), "--no-install-recommends", "postgresql"])
    script = os.path.join(ROOT, "scripts", "postgres-test.sh")
    url = subprocess.run([script, "start"], check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1]
    try:
        return civicvault_bench(binary, work, "postgres", ["--database", url] + (
            ["--records", "200", "--writers", "2"] if quick else ["--records", "1000", "--writers", "4"]))
    finally:
        subprocess.run([script, "stop"], cwd=ROOT)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer iterations (about a minute)")
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "civicvault"),
                    help="the civicvault binary (the service bench runs `serve` and its setup commands)")
    ap.add_argument("--bench-bin", help="the civicvault-bench binary (default: civicvault-bench beside --bin)")
    ap.add_argument("--out", help="the Markdown report (default docs/BENCHMARKS.md, or .build/bench/BENCHMARKS.md with --quick)")
    ap.add_argument("--work", default=os.path.join(ROOT, ".build", "bench"), help="scratch and raw results")
    ap.add_argument("--render-only", action="store_true",
                    help="only re-render the report from the last run's results.json (after editing NOTES.md or report.py)")
    args = ap.parse_args()
    if args.out:
        out = os.path.abspath(args.out)
    elif args.quick:
        out = os.path.join(ROOT, ".build", "bench", "BENCHMARKS.md")
    else:
        out = os.path.join(ROOT, "docs", "BENCHMARKS.md")
    if args.render_only:
        with open(os.path.join(args.work, "results.json")) as f:
            results = json.load(f)
        if not args.out and results.get("quick"):
            out = os.path.join(ROOT, ".build", "bench", "BENCHMARKS.md")
        write_report(results, out)
        return
    bench_bin = args.bench_bin or os.path.join(os.path.dirname(os.path.abspath(args.bin)), "civicvault-bench")
    for binary, product in ((args.bin, "civicvault"), (bench_bin, "civicvault-bench")):
        if not os.path.exists(binary):
            sys.exit("bench: %s is missing: build it with `swift build -c release --product %s`" % (binary, product))
    os.makedirs(args.work, exist_ok=True)
    started = time.time()
    q = args.quick
    results = {"quick": q, "machine": machine(args.work)}
    m = results["machine"]
    log("machine: %s, %s cores, load %s, fsync %.2f ms on %s" % (m["cpu"], m["cores"], m["load_start"], m["fsync_ms"], m["disk"]))
    scratch = ["--scratch", args.work]
    results["crypto"] = civicvault_bench(bench_bin, args.work, "crypto", ["--operations", "500" if q else "2000"])
    results["proofs"] = civicvault_bench(bench_bin, args.work, "proofs", ["--runs", "21" if q else "101"])
    results["attest"] = civicvault_bench(bench_bin, args.work, "attest", ["--runs", "15" if q else "101"] + scratch)
    results["records"] = civicvault_bench(bench_bin, args.work, "records", (
        ["--records", "300", "--memory-records", "1000", "--floor-records", "1000"] if q else
        ["--records", "2000", "--memory-records", "5000", "--floor-records", "5000"]) + scratch)
    results["ledger"] = civicvault_bench(bench_bin, args.work, "ledger", (
        ["--entries", "100000", "--batch", "10000", "--proofs", "2000"] if q else
        ["--entries", "1000000", "--batch", "10000", "--proofs", "10000"]) + ["--scratch", os.path.join(args.work, "ledger")])
    shutil.rmtree(os.path.join(args.work, "ledger"), ignore_errors=True)
    results["trail"] = civicvault_bench(bench_bin, args.work, "trail", (
        ["--entries", "100000", "--events", "20"] if q else ["--entries", "1000000", "--events", "20"]) + scratch)

    install, python = ensure_venv()
    peers_json = os.path.join(args.work, "peers.json")
    if os.path.exists(peers_json):
        os.remove(peers_json)
    log("peers (.venv-bench): AnonCreds, zksk, PyNaCl")
    subprocess.run([python, os.path.join(HERE, "peers.py"), "--json", peers_json, "--cache-dir", VENV,
                    "--swift-crypto", os.path.join(args.work, "crypto.json")] + (["--quick"] if q else []), cwd=ROOT)
    peers = json.load(open(peers_json)) if os.path.exists(peers_json) else {}
    for peer, error in install.items():
        if error:
            peers[peer] = {"unavailable": error}
    results["peers"] = peers

    try:
        results["service"] = service_bench(args.bin, args.work, q)
    except Exception as e:
        log("service bench failed: %s" % e)
        results["service"] = {"unavailable": "failed: %s" % e}

    try:
        results["postgres"] = postgres_bench(bench_bin, args.work, q)
    except Exception as e:
        log("postgres bench failed: %s" % e)
        results["postgres"] = {"failed": "%s" % e}
    m["postgres"] = try_sh(["psql", "--version"]) or "?"

    m["load_end"] = "%.2f %.2f %.2f" % os.getloadavg()
    m["wrk"] = wrk_version()
    results["elapsed_s"] = time.time() - started
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)
    write_report(results, out)
    log("done in %.0f s (raw results: %s)" % (results["elapsed_s"], os.path.relpath(os.path.join(args.work, "results.json"), ROOT)))


def write_report(results, out):
    sys.path.insert(0, HERE)
    import report
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(report.render(results))
    log("wrote " + os.path.relpath(out, ROOT))


if __name__ == "__main__":
    main()
