// CivicVault ledger checks in the browser, with WebCrypto only (Ed25519, SHA-256, HMAC-SHA-256).
// Signed notes and checkpoints: C2SP signed-note and tlog-checkpoint. Proofs: RFC 9162 section 2.1.3.
"use strict";
(function () {
  const enc = new TextEncoder();

  function b64(text) {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function toB64(bytes) { let s = ""; for (const b of bytes) s += String.fromCharCode(b); return btoa(s); }
  function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    let d = 0;
    for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
    return d === 0;
  }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }

  function available() {
    return typeof crypto !== "undefined" && crypto.subtle !== undefined;
  }

  // Does this browser's WebCrypto have Ed25519? (Chromium 113+ does; older ones say so instead of guessing.)
  async function ed25519Available() {
    if (!available()) return false;
    try {
      await crypto.subtle.importKey("raw", new Uint8Array(32).fill(1), { name: "Ed25519" }, false, ["verify"]);
      return true;
    } catch (e) { return e.name !== "NotSupportedError"; }
  }

  // A note verifier key "<name>+<hex key id>+<base64(0x01 || public key)>".
  async function parseVerifierKey(text) {
    // The name has no "+"; the base64 key may.
    const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
    if (!m) throw new Error("the verifier key is malformed");
    const [, name, idHex, keyB64] = m;
    const raw = b64(keyB64);
    if (raw.length !== 33 || raw[0] !== 1) throw new Error("the verifier key is not an Ed25519 key");
    const id = (await sha256(concat(enc.encode(name), new Uint8Array([0x0a]), raw))).slice(0, 4);
    if (hex(id) !== idHex) throw new Error("the verifier key's id does not match its name and key");
    const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    return { name, id, key };
  }

  // Opens a signed note with the log's key: the checkpoint's origin, size and root, and the cosignature lines.
  async function openCheckpoint(note, verifierKeyText) {
    const vk = await parseVerifierKey(verifierKeyText);
    const split = note.indexOf("\n\n");
    if (split < 0) throw new Error("the note has no signatures");
    const text = note.slice(0, split + 1);
    const lines = note.slice(split + 2).split("\n").filter((l) => l.length > 0);
    let signed = false;
    const others = [];
    for (const line of lines) {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new Error("a signature line is malformed");
      const sig = b64(m[2]);
      if (m[1] === vk.name && sig.length === 68 && equal(sig.slice(0, 4), vk.id)) {
        if (!(await crypto.subtle.verify({ name: "Ed25519" }, vk.key, sig.slice(4), enc.encode(text)))) {
          throw new Error("the log's signature does not verify");
        }
        signed = true;
      } else {
        others.push(m[1]);
      }
    }
    if (!signed) throw new Error("no signature by " + vk.name);
    const body = text.split("\n");
    if (body[0] !== vk.name) throw new Error("the checkpoint's origin is not " + vk.name);
    const size = Number(body[1]);
    const root = b64(body[2]);
    if (!Number.isSafeInteger(size) || root.length !== 32) throw new Error("the checkpoint is malformed");
    return { origin: body[0], size, root, cosigners: others };
  }

  async function leafHash(bytes) { return sha256(concat(new Uint8Array([0]), bytes)); }
  async function nodeHash(l, r) { return sha256(concat(new Uint8Array([1]), l, r)); }

  // RFC 9162 2.1.3.2: is the leaf at `index` in the tree of `size` with `root`?
  async function verifyInclusion(index, size, leaf, hashes, root) {
    if (!(index < size)) return false;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of hashes) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }

  // The canonical entry encoding (docs/FORMAT.md 3.1): version, label, type, time, actor, sorted attributes.
  function decodeEntry(bytes) {
    let at = 0;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const need = (n) => { if (at + n > bytes.length) throw new Error("truncated entry"); };
    const u8 = () => { need(1); return bytes[at++]; };
    const u16 = () => { need(2); const v = dv.getUint16(at); at += 2; return v; };
    const u32 = () => { need(4); const v = dv.getUint32(at); at += 4; return v; };
    const u64 = () => { need(8); const v = dv.getBigUint64(at); at += 8; return v; };
    const take = (n) => { need(n); const v = bytes.slice(at, at + n); at += n; return v; };
    const str = (n) => new TextDecoder("utf-8", { fatal: true }).decode(take(n));
    u8();
    take(enc.encode("CivicVault/v1/ledger/entry").length);
    const type = str(u16());
    const time = u64();
    const actor = str(u16());
    const count = u16();
    const attributes = {};
    for (let i = 0; i < count; i++) {
      const key = str(u16());
      const tag = u8();
      if (tag === 1) attributes[key] = take(u32());
      else if (tag === 2) attributes[key] = str(u32());
      else if (tag === 3) attributes[key] = u64();
      else throw new Error("unknown value tag");
    }
    if (at !== bytes.length) throw new Error("trailing bytes");
    return { type, time, actor, attributes };
  }

  async function hmacKey(raw) {
    return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  }
  // tag_n = HMAC-SHA-256(K_citizen, n as 8 bytes big-endian).
  async function trailTag(key, n) {
    const msg = new Uint8Array(8);
    new DataView(msg.buffer).setBigUint64(0, BigInt(n));
    return new Uint8Array(await crypto.subtle.sign("HMAC", key, msg));
  }

  // Marks a check line (li[data-check] or p) as passed or failed, with text.
  function mark(el, ok, text) {
    if (!el) return;
    el.classList.remove("pending", "pass", "fail", "unavailable");
    el.classList.add(ok === null ? "unavailable" : ok ? "pass" : "fail");
    const state = el.querySelector(".state");
    const m = el.querySelector(".mark");
    if (m) m.textContent = ok === null ? "?" : ok ? "✓" : "✗";
    if (state) state.textContent = text; else el.textContent = text;
  }

  window.CivicLedger = { b64, toB64, hex, concat, equal, sha256, available, ed25519Available, parseVerifierKey, openCheckpoint,
    leafHash, verifyInclusion, decodeEntry, hmacKey, trailTag, mark };
})();
