#!/usr/bin/env bash
# `make run`: dev keys, the citizen schema, the example policy and one token per role (created once, kept in
# .civicvault/dev-tokens.env, mode 0600, never printed: it says where they are), then the service on
# 127.0.0.1:8080 with the embedded SQLite store.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug/civicvault}
KEYS=${KEYS:-.civicvault/keys}
DATA=${DATA:-.civicvault/data}
PORT=${PORT:-8080}
TOKENS=.civicvault/dev-tokens.env
mkdir -p "$(dirname "$TOKENS")"
NODE=(--keys "$KEYS" --data "$DATA")

"$BIN" init --keys "$KEYS" --dev --if-missing --name civicvault.local/dev
"$BIN" schema add "${NODE[@]}" schemas/citizen.json >/dev/null
"$BIN" policy install "${NODE[@]}" --keep-newer Keys/policy.example.json >/dev/null
# Tokens of the format before keyed hashes (the migration drops them) or near their 90-day expiry are made anew.
if [ -s "$TOKENS" ] && { ! grep -q '^# token-format: 2$' "$TOKENS" || [ -n "$(find "$TOKENS" -mtime +80)" ]; }; then
  echo "Dev tokens in $TOKENS are of an older format or close to expiry: making new ones."
  rm -f "$TOKENS"
fi
if [ ! -s "$TOKENS" ]; then
  umask 077
  {
    echo "# CivicVault dev tokens (secret; gitignored). Use: source $TOKENS"
    echo "# token-format: 2"
    echo "REGISTRAR_TOKEN=$("$BIN" token create "${NODE[@]}" --role department --for registry-1 --clearance restricted)"
    echo "DEPARTMENT_TOKEN=$("$BIN" token create "${NODE[@]}" --role department --for dept-health-1 --clearance confidential)"
    echo "OFFICER_TOKEN=$("$BIN" token create "${NODE[@]}" --role officer --for officer-1 --clearance restricted)"
    echo "REQUESTER_TOKEN=$("$BIN" token create "${NODE[@]}" --role requester --for bank-1)"
    echo "LANDLORD_TOKEN=$("$BIN" token create "${NODE[@]}" --role requester --for landlord-1)"
    echo "AUDITOR_TOKEN=$("$BIN" token create "${NODE[@]}" --role auditor --for auditor-1)"
    echo "CITIZEN_TOKEN=$("$BIN" token create "${NODE[@]}" --role citizen --for citizen-38001010000 --national-id 38001010000)"
  } > "$TOKENS"
  chmod 600 "$TOKENS"
fi
# Token files from before the registrar (a department cleared for restricted fields, which citizen records have).
if ! grep -q '^REGISTRAR_TOKEN=' "$TOKENS"; then
  echo "REGISTRAR_TOKEN=$("$BIN" token create "${NODE[@]}" --role department --for registry-1 --clearance restricted)" >> "$TOKENS"
fi
chmod 600 "$TOKENS"
echo
echo "CivicVault dev node: http://127.0.0.1:$PORT  (keys: $KEYS, data: $DATA)"
echo "Dev tokens (secret, mode 0600) are in $TOKENS: $(grep -c '_TOKEN=' "$TOKENS") tokens ($(grep -o '^[A-Z_]*_TOKEN' "$TOKENS" | tr '\n' ' ' | sed 's/ $//'))."
echo "For the README tour, run in another shell from this directory: source $TOKENS"
echo "Verifier key: $(cat "$KEYS/node.pub")"
echo
echo "Pages (open in a browser):"
echo "  ledger explorer   http://127.0.0.1:$PORT/"
echo "  verify a bundle   http://127.0.0.1:$PORT/verify"
echo "  citizen portal    http://127.0.0.1:$PORT/citizen"
echo "  officer console   http://127.0.0.1:$PORT/officer   (sign in with OFFICER_TOKEN from $TOKENS)"
echo "  sign in           http://127.0.0.1:$PORT/signin"
# A one-time link (15 minutes) for the dev citizen; it holds a secret, like the tokens, and works once.
echo "Citizen sign-in link (one-time, 15 minutes; citizen 38001010000):"
echo "  $("$BIN" token create "${NODE[@]}" --role citizen --for citizen-38001010000 --national-id 38001010000 --link --url "http://127.0.0.1:$PORT" 2>/dev/null)"
echo
exec "$BIN" serve "${NODE[@]}" --host 127.0.0.1 --port "$PORT"
