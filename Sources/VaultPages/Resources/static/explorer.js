// The explorer and entry pages: the browser checks the checkpoint's Ed25519 signature and an entry's inclusion proof.
"use strict";
(async function () {
  const L = window.CivicLedger;
  const status = document.getElementById("checkpoint-status");
  const noteEl = document.getElementById("checkpoint");
  if (!status || !noteEl) return;
  if (!L.available()) { L.mark(status, null, "Your browser offers no WebCrypto here (it needs https or localhost): the checkpoint was not checked in your browser."); return; }
  if (!(await L.ed25519Available())) { L.mark(status, null, "This browser's WebCrypto has no Ed25519: the signature was not checked in your browser; use the offline check below."); return; }
  let checkpoint;
  try {
    checkpoint = await L.openCheckpoint(noteEl.textContent, status.dataset.key);
    L.mark(status, true, "Verified in your browser: signed by " + checkpoint.origin + " (Ed25519, WebCrypto), tree size " + checkpoint.size + ".");
    status.dataset.verified = "true";
  } catch (e) {
    L.mark(status, false, "Signature check failed in your browser: " + e.message);
    status.dataset.verified = "false";
    return;
  }
  const proof = document.getElementById("entry-proof");
  const inclusion = document.getElementById("inclusion-status");
  if (!proof || !inclusion) return;
  try {
    const bytes = L.b64(proof.dataset.bytes);
    const hashes = proof.dataset.hashes ? proof.dataset.hashes.split(",").map(L.b64) : [];
    const index = Number(proof.dataset.index), size = Number(proof.dataset.size);
    if (size !== checkpoint.size) throw new Error("the proof is for another tree size");
    const ok = await L.verifyInclusion(index, size, await L.leafHash(bytes), hashes, checkpoint.root);
    L.mark(inclusion, ok, ok ? "Verified in your browser: entry " + index + " is in the signed tree (SHA-256, " + hashes.length + " hashes)."
                               : "Inclusion check failed in your browser: the proof does not lead to the signed root.");
    inclusion.dataset.verified = String(ok);
  } catch (e) {
    L.mark(inclusion, false, "Inclusion check failed in your browser: " + e.message);
  }
})();
