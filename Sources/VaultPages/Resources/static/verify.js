// The verify page: a dropped or chosen file fills the form; after the node's answer, the browser checks the bundle's
// checkpoint signature (Ed25519) and the inclusion of its ledger entry (SHA-256) itself.
"use strict";
(function () {
  const L = window.CivicLedger;
  const area = document.getElementById("bundle");
  const zone = document.getElementById("drop-zone");
  const file = document.getElementById("bundle-file");
  const noReplay = document.getElementById("no_replay_check");
  async function load(f) { if (f) area.value = await f.text(); }
  if (file) file.addEventListener("change", () => load(file.files[0]));
  if (zone) {
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => { e.preventDefault(); zone.classList.remove("over"); load(e.dataTransfer.files[0]); });
  }
  if (noReplay) {
    const sync = () => { for (const id of ["requester", "nonce"]) document.getElementById(id).disabled = noReplay.checked; };
    noReplay.addEventListener("change", sync);
    sync();
  }

  const list = document.getElementById("browser-checks");
  const data = document.getElementById("bundle-data");
  if (!list || !data) return;
  const sig = list.querySelector('[data-check="checkpoint-signature"]');
  const inc = list.querySelector('[data-check="inclusion"]');
  (async function () {
    if (!L.available() || !(await L.ed25519Available())) {
      L.mark(sig, null, "not checked in your browser: this browser's WebCrypto has no Ed25519 (the node's result above stands alone)");
      L.mark(inc, null, "not checked in your browser");
      return;
    }
    let bundle, checkpoint;
    try { bundle = JSON.parse(data.value); } catch (e) {
      L.mark(sig, false, "failed in your browser: the bundle is not JSON"); L.mark(inc, false, "not checked"); return;
    }
    try {
      checkpoint = await L.openCheckpoint(String(bundle.checkpoint), list.dataset.key);
      L.mark(sig, true, "passed in your browser (WebCrypto Ed25519): signed by " + checkpoint.origin + ", tree size " + checkpoint.size);
    } catch (e) {
      L.mark(sig, false, "failed in your browser: " + e.message); L.mark(inc, false, "not checked: no signed checkpoint"); return;
    }
    try {
      const inclusion = bundle.inclusion || {};
      const index = Number(bundle.ledger_index);
      if (Number(inclusion.leaf_index) !== index || Number(inclusion.tree_size) !== checkpoint.size) throw new Error("the proof is for another index or tree size");
      const ok = await L.verifyInclusion(index, checkpoint.size, await L.leafHash(L.b64(bundle.entry)), (inclusion.hashes || []).map(L.b64), checkpoint.root);
      L.mark(inc, ok, ok ? "passed in your browser (WebCrypto SHA-256): entry " + index + " is in the signed tree" : "failed in your browser: the proof does not lead to the signed root");
    } catch (e) {
      L.mark(inc, false, "failed in your browser: " + e.message);
    }
  })();
})();
