#!/usr/bin/env bash
# Checks the running service against docs/openapi.yaml with schemathesis: no 5xx, every status
# code documented, every response body and content type as the spec says. Starts the real binary
# on a free loopback port with a fresh data directory, and stops it afterwards.
set -euo pipefail
binary=${1:?usage: schemathesis.sh PATH/TO/kassa}
here=$(cd "$(dirname "$0")/.." && pwd)
data=$(mktemp -d)
log=$(mktemp)
cleanup() { [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null; wait "${pid:-}" 2>/dev/null || true; rm -rf "$data" "$log"; }
trap cleanup EXIT
"$binary" serve --data "$data" --port 0 --config "$here/config/kassa.yaml" > "$log" 2>/dev/null &
pid=$!
for _ in $(seq 1 300); do
    grep -q "kassa: recovered" "$log" && break
    sleep 0.1
done
url=$(sed -n 's/^kassa: listening on \(http:\/\/[0-9.:]*\)$/\1/p' "$log")
[ -n "$url" ] || { echo "the server did not start:"; cat "$log"; exit 1; }
admin=$(sed -n 's/^admin=//p' "$data/credentials")
st run "$here/docs/openapi.yaml" --url "$url" -H "Authorization: Bearer $admin" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" --seed "${SCHEMATHESIS_SEED:-20261126}" --no-color
