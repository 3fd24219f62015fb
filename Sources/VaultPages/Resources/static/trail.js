// "Check my trail": the completeness check of `civicvault citizen audit`, in the browser. The checkpoint's signature
// is checked (Ed25519), tags tag_n = HMAC-SHA-256(K_citizen, u64be(n)) are computed with WebCrypto and looked up on the
// ledger, each entry's tag and inclusion proof checked (SHA-256), and the entries found are compared with the log.
"use strict";
(function () {
  const L = window.CivicLedger;
  const button = document.getElementById("check-trail");
  const result = document.getElementById("trail-result");
  const problemsList = document.getElementById("trail-problems");
  if (!button) return;
  const LOOKAHEAD = 8;

  async function getJSON(url) {
    const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    return { status: r.status, body: r.status === 404 ? null : await r.json() };
  }

  async function run() {
    problemsList.replaceChildren();
    result.className = "check pending";
    result.textContent = "Checking…";
    if (!L.available() || !(await L.ed25519Available())) {
      L.mark(result, null, "This browser's WebCrypto lacks Ed25519 or HMAC here: the trail was not checked. Use `civicvault citizen audit`.");
      return;
    }
    const problems = [];
    const noteResponse = await fetch("/v1/ledger/checkpoint");
    const checkpoint = await L.openCheckpoint(await noteResponse.text(), button.dataset.key);
    const mine = await getJSON("/citizen/trail");
    if (mine.status !== 200) throw new Error("the node refused your trail key (" + mine.status + ")");
    const key = await L.hmacKey(L.b64(mine.body.trail_key));
    const logged = new Map();
    for (const e of mine.body.events) if (e.ledger_index < checkpoint.size) logged.set(e.ledger_index, e.type);
    const found = new Map();
    let n = 0, ended = null;
    for (;;) {
      const tag = await L.trailTag(key, n);
      const r = await getJSON("/v1/ledger/tags/" + L.hex(tag) + "?size=" + checkpoint.size);
      if (r.status === 404) {
        if (ended === null) ended = n;
        if (n - ended >= LOOKAHEAD) break;
        n++;
        continue;
      }
      if (r.status !== 200) { problems.push("event " + n + ": the node answered " + r.status); break; }
      const bytes = L.b64(r.body.bytes);
      const entry = L.decodeEntry(bytes);
      if (!(entry.attributes.tag instanceof Uint8Array) || !L.equal(entry.attributes.tag, tag)) {
        problems.push("event " + n + ": the node served an entry without this tag");
      } else if (!(await L.verifyInclusion(r.body.index, checkpoint.size, await L.leafHash(bytes), r.body.hashes.map(L.b64), checkpoint.root))) {
        problems.push("event " + n + ": entry " + r.body.index + " does not prove to the signed checkpoint");
      } else {
        if (ended !== null) {
          for (let s = ended; s < n; s++) problems.push("event " + s + " is skipped: nobody knows its tag, but event " + n + " is at ledger index " + r.body.index);
          ended = null;
        }
        found.set(r.body.index, entry.type);
      }
      n++;
    }
    for (const [index, type] of found) if (!logged.has(index)) problems.push("ledger entry " + index + " (" + type + ") is yours but missing from your log");
    for (const [index, type] of logged) if (!found.has(index)) problems.push("your log lists ledger entry " + index + " (" + type + "), which is not one of your tagged entries");
    for (const p of problems) { const li = document.createElement("li"); li.textContent = p; problemsList.appendChild(li); }
    if (problems.length === 0) {
      L.mark(result, true, "Complete: " + found.size + " events up to tree size " + checkpoint.size + ", checked in your browser (checkpoint signature, " + found.size + " tags with HMAC-SHA-256, " + found.size + " inclusion proofs).");
      result.dataset.complete = "true";
    } else {
      L.mark(result, false, "Incomplete: " + problems.length + " problems (listed below), " + found.size + " events found up to tree size " + checkpoint.size + ".");
      result.dataset.complete = "false";
    }
  }

  button.addEventListener("click", () => {
    button.disabled = true;
    run().catch((e) => L.mark(result, false, "The check failed: " + e.message)).finally(() => { button.disabled = false; });
  });
})();
