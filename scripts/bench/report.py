"""Renders the results of scripts/bench/run.py as docs/BENCHMARKS.md (never edit that file by hand).

Each row: operation | CivicVault | baseline (measured in the same run) | ratio | target (met or missed) | machine.
The notes at the end are scripts/bench/NOTES.md, copied verbatim.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def num(d, key):
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, (int, float)) and v >= 0 else None


def ms(v):
    return "n/a" if v is None else ("%.3f ms" % v if v < 1 else "%.2f ms" % v if v < 100 else "%.0f ms" % v)


def us(v):
    return "n/a" if v is None else "%.2f us" % v if v < 10 else "%.1f us" % v


def rate(v, unit="/s"):
    if v is None:
        return "n/a"
    return ("%.0f" % v if v < 10000 else "{:,.0f}".format(v).replace(",", " ")) + unit


def size(v):
    return "n/a" if v is None else ("%d B" % v if v < 2000 else "%.1f KB" % (v / 1000.0))


def x(v):
    return "n/a" if v is None else ("%.2fx" % v if v < 10 else "%.1fx" % v)


def verdict(ok, text):
    if ok is None:
        return text + ": not measured"
    return text + (": **met**" if ok else ": **missed**")


class Table:
    def __init__(self, machine):
        self.rows, self.outcomes = [], []
        self.machine = machine

    def section(self, title):
        self.rows.append("| **%s** | | | | | |" % title)

    def row(self, operation, ours, baseline, ratio, target, ok=None):
        cell = verdict(ok, target) if target != "—" else "—"
        if target != "—":
            self.outcomes.append((operation, target, ok))
        self.rows.append("| %s | %s | %s | %s | %s | %s |" % (operation, ours, baseline, ratio, cell, self.machine))

    def render(self):
        head = "| operation | CivicVault | baseline (same run) | ratio | target | machine |\n|---|---|---|---|---|---|\n"
        return head + "\n".join(self.rows) + "\n"


def proofs_rows(t, p):
    if "failed" in p or not p.get("cases"):
        t.row("prove/verify vs floor", "failed", "—", "—", "<= 1.2x floor")
        return
    for key in p["cases"].split(","):
        label = p.get(key + "_label", key)
        ops = p.get(key + "_ops", "").split(" | ")
        for step, i in (("prove", 0), ("verify", 1)):
            r = num(p, "%s_%s_cpu_ratio" % (key, step))
            t.row("%s: %s (%s)" % (step, label, size(num(p, key + "_bytes"))),
                  "%s CPU (wall %s)" % (ms(num(p, "%s_%s_cpu_ms" % (key, step))), ms(num(p, "%s_%s_ms" % (key, step)))),
                  "%s CPU libsodium floor: %s (wall %s)" % (ms(num(p, "%s_%s_floor_cpu_ms" % (key, step))), ops[i] if i < len(ops) else "?",
                                                            ms(num(p, "%s_%s_floor_ms" % (key, step)))),
                  "%s of floor (wall: %s)" % (x(r), x(num(p, "%s_%s_ratio" % (key, step)))), "<= 1.2x floor", None if r is None else r <= 1.2)


def records_rows(t, r):
    if "failed" in r:
        t.row("encrypt+commit+append", "failed", "—", "—", ">= 5k records/s")
        return
    floor = num(r, "floor_records_per_s")
    floor_cell = "%s libsodium floor on one core (%s CPU each)" % (rate(floor, " records/s"), us(num(r, "floor_cpu_us_per_record")))
    for place, what in (("tmpfs", "tmpfs, fsync free"), ("disk", "disk, durable")):
        ours = num(r, place + "_records_per_s")
        if ours is None:
            continue
        detail = "%s (p50 %s, p99 %s; %s CPU each)" % (rate(ours, " records/s"), ms(num(r, place + "_p50_ms")), ms(num(r, place + "_p99_ms")),
                                                      us(num(r, place + "_cpu_us_per_record")))
        ours_cpu, floor_cpu = num(r, place + "_cpu_us_per_record"), num(r, "floor_cpu_us_per_record")
        t.row("encrypt+commit+append, 10-field record, one transaction each (%s)" % what, detail, floor_cell,
              "%s of floor CPU per record" % x(ours_cpu / floor_cpu if ours_cpu and floor_cpu else None), ">= 5k records/s", ours >= 5000)
        raw = num(r, place + "_raw_records_per_s")
        t.row("same, against raw SQLite inserting the same rows (%s)" % what, rate(ours, " records/s"),
              "%s raw SQLite, same tables/rows/durability" % rate(raw, " records/s"), x(ours / raw if raw else None) + " of raw", "—")


def ledger_rows(t, l):
    if "failed" in l:
        t.row("ledger append", "failed", "—", "—", ">= 50k entries/s and >= 50% of raw SQLite")
        return
    ours, raw = num(l, "ledger_entries_per_s"), num(l, "raw_rows_per_s")
    ratio = ours / raw if ours and raw else None
    lc, rc = num(l, "ledger_cpu_us_per_entry"), num(l, "raw_cpu_us_per_entry")
    t.row("ledger append, %s entries of ~%s B in %s-entry transactions, each batch timed right after raw's" % (
              l.get("entries"), l.get("entry_bytes"), l.get("batch")),
          "%s (%s CPU each)" % (rate(ours, " entries/s"), us(lc)),
          "%s raw SQLite, same rows and durability (%s CPU each)" % (rate(raw, " rows/s"), us(rc)),
          "%s of raw (CPU: %s)" % (x(ratio), x(rc / lc if rc and lc else None)),
          ">= 50k entries/s and >= 0.5x raw", None if ratio is None else (ours >= 50000 and ratio >= 0.5))
    t.row("inclusion proof at size %s (%s hashes)" % (l.get("entries"), l.get("proof_hashes")), us(num(l, "proof_us")),
          "%s raw SQLite primary-key lookup" % us(num(l, "lookup_us")),
          x(num(l, "proof_us") / num(l, "lookup_us") if num(l, "proof_us") and num(l, "lookup_us") else None) + " of lookup", "—")


def trail_rows(t, tr):
    if not tr or "failed" in tr:
        t.row("citizen trail audit", "failed: %s" % (tr or {}).get("failed", "not run"), "—", "—", "—")
        return
    n, k = tr.get("entries"), tr.get("events")
    scan, raw, sha = num(tr, "scan_entries_per_s"), num(tr, "raw_read_entries_per_s"), num(tr, "sha256_messages_per_s")
    t.row("audit by lookup: %s events + %s probes past the end, each a TagIndex lookup, entry, inclusion proof at size %s "
          "verified against the signed checkpoint (in process)" % (k, (tr.get("lookup_lookups") or 0) - (k or 0), n),
          "%s total, %s per event, %.1f hashes per event" % (ms(num(tr, "lookup_total_ms")), us(num(tr, "lookup_us_per_event")),
                                                              num(tr, "lookup_hashes_per_event") or 0),
          "log2 N = %.1f; the scan below" % (num(tr, "log2_entries") or 0),
          x(num(tr, "lookup_vs_scan")) + " faster than the scan", "—")
    t.row("audit by scan: read %s entries of ~%s B, leaf-hash, rebuild the root (CompactRange), collect tags" % (n, tr.get("entry_bytes")),
          rate(scan, " entries/s"), "%s raw SQLite read (SELECT entry, no hashing)" % rate(raw, " entries/s"),
          x(scan / raw if scan and raw else None) + " of raw read", "—")
    t.row("same scan against the hashing floor", rate(scan, " entries/s"),
          "%s SHA-256 of %s-byte messages (libsodium)" % (rate(sha, " messages/s"), tr.get("entry_bytes")),
          x(scan / sha if scan and sha else None) + " of SHA-256 alone", "—")
    rss = ""
    if num(tr, "replay_rss_before_mb") is not None:
        rss = "; resident %.0f -> %.0f MB" % (num(tr, "replay_rss_before_mb"), num(tr, "replay_rss_after_mb") or 0)
    replay = num(tr, "replay_entries_per_s")
    t.row("node start-up replay: `Vault.loadAnchor()` over the same %s-entry SQLite ledger (verify against the checkpoint, then apply; "
          "the bench entries index tags but carry no citizen box to open nor record state to build)" % n,
          "%s (%s CPU per entry%s)" % (rate(replay, " entries/s"), us(num(tr, "replay_cpu_us_per_entry")), rss),
          "%s raw SQLite read" % rate(raw, " entries/s"), x(replay / raw if replay and raw else None) + " of raw read", "—")


def peer_rows(t, a, p, peers):
    ac = peers.get("anoncreds", {})
    if "unavailable" in ac:
        ac_total = ac_bytes = None
        ac_cell = "AnonCreds not measured: %s" % ac["unavailable"]
    else:
        ac_total, ac_bytes = num(ac, "total_cpu_ms"), num(ac, "bytes")
        ac_cell = "%s CPU, AnonCreds %s (create %s + verify %s; wall %s)" % (
            ms(ac_total), ac.get("version"), ms(num(ac.get("create", {}), "cpu_ms")), ms(num(ac.get("verify", {}), "cpu_ms")), ms(num(ac, "total_wall_ms")))
    if "failed" in a:
        t.row("attribute >= threshold end to end", "failed", ac_cell, "—", ">= 10x faster than AnonCreds")
    else:
        for key in ("income_at_least", "age_at_least"):
            ours = num(a, key + "_total_cpu_ms")
            label = a.get(key + "_label", key)
            speed = ac_total / ours if ac_total and ours else None
            t.row("end to end \"%s\": attest (policy, decrypt opening, prove, bundle, durable ledger entry) + offline bundle verify "
                  "(checkpoint signature, inclusion proof, proof)" % label,
                  "%s CPU (attest %s + verify %s; wall %s)" % (ms(ours), ms(num(a, key + "_prove_cpu_ms")), ms(num(a, key + "_verify_cpu_ms")),
                                                                ms(num(a, key + "_total_wall_ms"))),
                  ac_cell, x(speed) + " faster" if speed else "n/a", ">= 10x faster", None if speed is None else speed >= 10)
            ours_b = num(a, key + "_bundle_bytes")
            smaller = ac_bytes / ours_b if ac_bytes and ours_b else None
            t.row("size: \"%s\" bundle (JSON, with entry, inclusion proof, checkpoint; proof %s)" % (label, size(num(a, key + "_proof_bytes"))),
                  size(ours_b), "%s AnonCreds presentation (JSON)" % size(ac_bytes) if ac_bytes else ac_cell,
                  x(smaller) + " smaller" if smaller else "n/a", ">= 4x smaller", None if smaller is None else smaller >= 4)
    z = peers.get("zksk", {})
    for step in ("prove", "verify"):
        ours = num(p, "range_32_bit_%s_cpu_ms" % step)
        if "unavailable" in z:
            t.row("32-bit range proof: %s" % step, ms(ours) + " CPU", "zksk not measured: %s (issue's reference: %s)" % (
                z["unavailable"], "15 ms" if step == "prove" else "13 ms"), "n/a", ">= 2x faster than zksk")
            continue
        theirs = num(z.get(step, {}), "cpu_ms")
        speed = theirs / ours if theirs and ours else None
        t.row("32-bit range proof 0 <= v < 2^32: %s" % step, "%s CPU (wall %s)" % (ms(ours), ms(num(p, "range_32_bit_%s_ms" % step))),
              "%s CPU, zksk-fork %s on P-256 (wall %s)" % (ms(theirs), z.get("version"), ms(num(z.get(step, {}), "wall_ms"))),
              x(speed) + " faster" if speed else "n/a", ">= 2x faster", None if speed is None else speed >= 2)
    if "unavailable" not in z:
        t.row("32-bit range proof size", size(num(p, "range_32_bit_bytes")), "%s zksk (msgpack NIZK)" % size(num(z, "bytes")),
              x(num(z, "bytes") / num(p, "range_32_bit_bytes") if num(z, "bytes") and num(p, "range_32_bit_bytes") else None) + " smaller", "—")


def crypto_rows(t, c, peers):
    n = peers.get("pynacl", {})
    if "failed" in c:
        t.row("sealed box / AEAD", "failed", "—", "—", "—")
        return
    for key, label in (("sealed_box_seal", "sealed box seal"), ("sealed_box_open", "sealed box open"),
                       ("aead_encrypt", "XChaCha20-Poly1305 encrypt"), ("aead_decrypt", "XChaCha20-Poly1305 decrypt")):
        ours, theirs = num(c, key + "_cpu_us"), num(n, key + "_cpu_us")
        base = "PyNaCl not measured: %s" % n["unavailable"] if "unavailable" in n else "%s CPU, PyNaCl %s (wall %s)" % (
            us(theirs), n.get("version"), us(num(n, key + "_us")))
        t.row("%s, %s B (libsodium %s)" % (label, c.get("size"), c.get("libsodium")), "%s CPU (wall %s)" % (us(ours), us(num(c, key + "_us"))), base,
              x(ours / theirs if ours and theirs else None) + " of PyNaCl's time", "—")
    if "interop" in n:
        t.row("PyNaCl opens Swift's sealed box and AEAD ciphertext", n["interop"], "—", "—", "interoperable", n["interop"] == "ok")


def service_rows(t, s):
    if "unavailable" in s:
        t.row("HTTP attestations/s", "not measured: %s" % s["unavailable"], "—", "—", ">= 500/s")
        return

    def summary(w):
        secs = w["duration_us"] / 1e6
        return w["requests"] / secs, w["p50_us"] / 1e3, w["p99_us"] / 1e3, w["errors"] + w["non_2xx"]

    hr, hp50, hp99, herr = summary(s["health"])
    base = "%s GET /health (p50 %s, p99 %s; %.2f cores busy)" % (rate(hr), ms(hp50), ms(hp99), num(s["health"], "server_cores_busy") or 0)
    for key, label, target in (("attest_age", "HTTP POST /v1/attestations, age >= 18 (16-bit)", ">= 500/s"),
                               ("attest_income", "HTTP POST /v1/attestations, income >= 18000 (30-bit: the schema declares income 0...10^9)", ">= 500/s"),
                               ("records", "HTTP POST /v1/records (6 fields, durable)", "—")):
        if key not in s:
            continue
        r, p50, p99, err = summary(s[key])
        ours = "%s (p50 %s, p99 %s%s; server %s CPU per request, %.2f cores busy)" % (
            rate(r), ms(p50), ms(p99), ", %d errors/non-2xx" % err if err else "",
            ms(num(s[key], "server_cpu_ms_per_request")), num(s[key], "server_cores_busy") or 0)
        ok = None if target == "—" else (r >= 500 and err == 0)
        t.row("%s, wrk %d connections, %d s, loopback" % (label, s["connections"], s["duration_s"]), ours, base,
              x(r / hr if hr else None) + " of /health", target, ok)


def postgres_rows(t, pg):
    if not pg or "failed" in pg:
        t.row("record write on PostgreSQL", "failed: %s" % (pg or {}).get("failed", "not run"), "—", "—", "—")
        return
    ours, raw = num(pg, "records_per_s"), num(pg, "raw_records_per_s")
    t.row("encrypt+commit+append, 10-field record, one transaction each (PostgreSQL on loopback, synchronous_commit=on)",
          "%s (p50 %s, p99 %s; %s client CPU each)" % (rate(ours, " records/s"), ms(num(pg, "p50_ms")), ms(num(pg, "p99_ms")), us(num(pg, "cpu_us_per_record"))),
          "%s raw PostgreSQL, the same %s rows per record, same statements, lock and durability" % (rate(raw, " records/s"), "%.0f" % (num(pg, "rows_per_record") or 0)),
          x(ours / raw if ours and raw else None) + " of raw", "—")
    if num(pg, "concurrent_records_per_s") is not None:
        t.row("same, %s writers at once (threads standing in for service nodes), then `ledger verify`" % pg.get("writers"),
              "%s (%s failed; %s entries verified)" % (rate(num(pg, "concurrent_records_per_s"), " records/s"), pg.get("concurrent_failures"), pg.get("tree_size")),
              "one writer above", x(num(pg, "concurrent_records_per_s") / ours if ours else None) + " of one writer", "—")


def render(results):
    m = results["machine"]
    short = "%s, %s cores" % (m["cpu"], m["cores"])
    t = Table(short)
    t.section("Against the libsodium floor (process CPU time; ratio = median of per-run ratios, each run timed back to back with its floor)")
    proofs_rows(t, results.get("proofs", {}))
    t.section("Record writes: crypto floor and storage floor")
    records_rows(t, results.get("records", {}))
    t.section("Ledger: storage floor")
    ledger_rows(t, results.get("ledger", {}))
    t.section("Citizen trail audit (`civicvault-bench trail`: one citizen's tagged events in a ledger of N entries)")
    trail_rows(t, results.get("trail"))
    t.section("Against peers (process CPU time, medians; wall clock shown for reference)")
    peer_rows(t, results.get("attest", {}), results.get("proofs", {}), results.get("peers", {}))
    t.section("Cross-language sanity check (the same libsodium calls from Swift and from Python; CPU time per call)")
    crypto_rows(t, results.get("crypto", {}), results.get("peers", {}))
    t.section("Service over HTTP (wrk on loopback, server and wrk share the cores)")
    service_rows(t, results.get("service", {}))
    t.section("PostgreSQL backend: storage floor (server on the same machine, sharing the cores)")
    postgres_rows(t, results.get("postgres"))

    met = [o for o in t.outcomes if o[2] is True]
    missed = [o for o in t.outcomes if o[2] is False]
    unmeasured = [o for o in t.outcomes if o[2] is None]
    out = ["# CivicVault benchmarks", "",
           "Generated by `make bench%s` (scripts/bench/run.py) on %s; do not edit by hand. Every baseline was measured in the same run, "
           "on the same machine, right before or after the CivicVault figure it sits beside." % (" QUICK=1" if results.get("quick") else "", m["date"]),
           ""]
    if results.get("quick"):
        out += ["**Quick run**: fewer iterations; use the full `make bench` for figures to quote.", ""]
    out += ["## Machine", "",
            "| | |", "|---|---|",
            "| CPU | %s (%s cores as seen by the process) |" % (m["cpu"], m["cores"]),
            "| load average (1, 5, 15 min) | %s at the start, %s at the end (the cores are shared with other builds) |" % (m["load_start"], m.get("load_end", "?")),
            "| disk | %s; write+fsync of 4 KiB: %.2f ms median |" % (m["disk"], m["fsync_ms"]),
            "| kernel | Linux %s |" % m["kernel"],
            "| libsodium | %s (system, Debian) |" % m["libsodium"],
            "| SQLite | %s (system, through GRDB) |" % m["sqlite"],
            "| Swift | %s, `-c release` |" % m["swift"],
            "| Python (peers) | %s, packages from PyPI in .venv-bench |" % m["python"],
            "| wrk | %s |" % m["wrk"],
            "| PostgreSQL | %s (Debian; the throwaway server of scripts/postgres-test.sh, fsync and synchronous_commit on) |" % m.get("postgres", "?"),
            "| run time | %.0f s |" % results.get("elapsed_s", 0),
            "", "## Results", "", t.render(), "",
            "## Targets", "",
            "%d met, %d missed, %d not measured." % (len(met), len(missed), len(unmeasured)), ""]
    for op, target, ok in t.outcomes:
        out.append("- %s — %s: %s" % ("met" if ok else "MISSED" if ok is False else "not measured", target, op))
    out += ["", "## How it was measured", "",
            "- CivicVault runs as the release builds (`swift build -c release --product civicvault`, then `--product civicvault-bench`), in `civicvault-bench crypto|proofs|attest|records|ledger|trail` (a binary of its own: Sources/CivicVaultBench); "
            "raw results are in .build/bench/results.json after a run.",
            "- Floors: the libsodium calls an operation must make (counted in VaultProofs' ProofCost for proofs, listed in BenchRecordsFloor.swift for "
            "records), timed through VaultCrypto's thin wrappers in a tight loop, in the same process, interleaved with the operation. "
            "Floor ratios use the process's CPU time (clock_gettime(CLOCK_PROCESS_CPUTIME_ID)), so time spent waiting for a core while "
            "other builds run is charged to neither side; the wall-clock ratio is shown beside it.",
            "- Storage floors: raw SQLite (GRDB prepared statements) writing the very same rows to the same tables with the same durability "
            "(WAL, synchronous=FULL, one transaction per record or per ledger batch); for PostgreSQL, the rows each vault write added are "
            "copied with their bound values and written again into an empty database of the same schema, one transaction per record with "
            "the same writer lock and one multi-row INSERT per table (`civicvault-bench postgres`).",
            "- Peers: AnonCreds %s, zksk-fork %s and PyNaCl %s from PyPI in .venv-bench, timed by scripts/bench/peers.py in the same run. "
            "Peer comparisons use process CPU time on both sides, because this machine's cores are shared with other builds: wall clock "
            "would charge whichever side waited longer for a core. Our CPU figure for an attestation does not include the wait for the "
            "ledger entry's fsync (see the wall figure and the disk's fsync latency above); the peers write nothing durable." % (
                results.get("peers", {}).get("anoncreds", {}).get("version", "?"), results.get("peers", {}).get("zksk", {}).get("version", "?"),
                results.get("peers", {}).get("pynacl", {}).get("version", "?")),
            "- Statements: AnonCreds proves `income >= 18000` about a signed CL credential with six attributes (no revealed attributes, "
            "no revocation); we prove the same predicate about a Pedersen commitment on the ledger, over 32 bits of (v - t) (the age row: "
            "16 bits). AnonCreds' range argument covers any difference (four squares) and includes the issuer's signature proof; ours "
            "includes the ledger inclusion proof and the checkpoint signature. zksk proves exactly 0 <= x < 2^32 about C = xG + rH, like "
            "our `range 32-bit`, but on P-256 through OpenSSL (petlib), we on Ristretto255 through libsodium.",
            "- Service: `civicvault serve` with fresh dev keys and data on a free loopback port, 40 seeded records, wrk with one thread and "
            "Lua scripts (scripts/bench/*.lua) that send a fresh nonce or national id per request; a 2 s warm-up precedes the attestations.",
            "", "## Notes", ""]
    notes = os.path.join(HERE, "NOTES.md")
    if os.path.exists(notes):
        with open(notes) as f:
            out.append(f.read().strip())
    return "\n".join(out) + "\n"
