#!/usr/bin/env bash
# The README's API walk-through, with curl and jq only: registers an
# outgoing webhook endpoint, creates a client with its contact, shares its
# link, lets the business client approve at Meta and confirm the phone by
# code (on the sandbox's stand-ins, through the links the API hands out),
# follows it to Active, and checks that the receiver got every event type
# with a valid signature.
#
#   go run . --stuck-after meta_approval=15s --remind-after meta_approval=10s   # the server, sandbox mode
#   go run ./.ci/hookrecv -secret-file /tmp/wabadesk-secret > /tmp/events.jsonl # the receiver
#   KEY=wbk_… bash .ci/api-journey.sh                                           # an admin key from API → API keys
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080}
KEY=${KEY:?an admin API key: API → API keys → Create key, acting as Admin}
RECEIVER=${RECEIVER:-http://127.0.0.1:9999/wabadesk}
SECRET_FILE=${SECRET_FILE:-/tmp/wabadesk-secret}
EVENTS=${EVENTS:-/tmp/events.jsonl}

api() { # api METHOD PATH [JSON]
  curl -sS --fail-with-body -X "$1" "$BASE/api/v1$2" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" ${3:+--data "$3"}
}
wait_for() { # wait_for WHAT JQ-TEST PATH: poll GET PATH until the test holds (2 minutes at most)
  for _ in $(seq 120); do
    if api GET "$3" | jq -e "$2" >/dev/null; then echo "  $1"; return; fi
    sleep 1
  done
  echo "timed out waiting for: $1" >&2; exit 1
}
step() { printf '\n==> %s\n' "$*"; }

step "register the receiver for every event"
api POST /endpoints "{\"url\": \"$RECEIVER\", \"description\": \"api-journey.sh\", \"events\": [\"client.created\",
  \"client.stage_changed\", \"client.needs_attention\", \"sender.state_changed\", \"link.opened\", \"otp.verified\",
  \"reminder.sent\"]}" | jq -r .secret > "$SECRET_FILE"

step "create a client with its contact, and submit it to Sinch"
project=$(cat /proc/sys/kernel/random/uuid)
bm=$(date +%s%N | cut -c1-15)
client=$(api POST /clients "{\"name\": \"Padaria Estrela\", \"project_id\": \"$project\", \"business_manager_id\": \"$bm\",
  \"waba_name\": \"Padaria Estrela Ltda\", \"sender_display_name\": \"Padaria Estrela\", \"business_category\": \"FOOD_AND_GROCERY\",
  \"contact\": {\"name\": \"Maria\", \"email\": \"maria@padaria.example\", \"language\": \"pt\"}, \"submit\": true}" | jq -r .id)
echo "  client $client"
wait_for "waiting for the client at Meta" '.stage == "meta_approval"' "/clients/$client"

step "share the client's link; the business client opens it"
link=$(api POST "/clients/$client/links" '{"days": 30}' | jq -r .url)
curl -sS -o /dev/null "$link"

step "wait for the reminder and the 'needs attention' event (the server's --remind-after and --stuck-after)"
for _ in $(seq 90); do
  grep -q '"reminder.sent"' "$EVENTS" && grep -q '"client.needs_attention"' "$EVENTS" && break
  sleep 1
done

step "the business client approves at Meta (the sandbox's stand-in)"
meta=$(api GET "/clients/$client" | jq -r .meta_approval_url)
access=$(sed -n 's/.*[?&]access=\([^&]*\).*/\1/p' <<<"$meta")
sandbox=${meta%%/meta/*}
request=$(curl -sS -H 'Accept: application/json' "$meta" | jq -r '.requests[] | select(.Pending) | .RequestID')
curl -sS --fail-with-body -X POST -H 'Accept: application/json' "$sandbox/meta/latest/settings/requests/$request/approve?access=$access" | jq -c .
wait_for "onboarded" '.stage == "onboarded"' "/clients/$client"

step "add the phone number and send it a code"
sender=$(api POST "/clients/$client/senders" '{"country_code": "351", "phone_number": "912345678", "submit": true}' | jq -r .id)
wait_for "the number waits for its code" '.data[0].stage == "verification"' "/clients/$client/senders"
api POST "/clients/$client/senders/$sender/otp" '{"method": "SMS"}' >/dev/null
code=$(curl -sS -H 'Accept: application/json' "$sandbox/inbox?phone=351912345678&access=$access" | jq -r '.messages[0].code')
echo "  the phone received $code"
api POST "/clients/$client/senders/$sender/verify" "{\"code\": \"$code\"}" >/dev/null
wait_for "active" '.stage == "active"' "/clients/$client"

step "every event arrived, signed"
sleep 3 # the last deliveries
missing=0
for t in client.created client.stage_changed client.needs_attention sender.state_changed link.opened otp.verified reminder.sent; do
  n=$(jq -c "select(.type == \"$t\" and .client == $client)" "$EVENTS" | wc -l)
  printf '  %-24s %s\n' "$t" "$n"
  [ "$n" -gt 0 ] || missing=1
done
if jq -e 'select(.valid | not)' "$EVENTS" >/dev/null; then
  echo "a delivery had an invalid signature" >&2; exit 1
fi
[ "$missing" = 0 ] || { echo "an event type never arrived" >&2; exit 1; }
echo "  all signatures valid; stages in order: $(jq -r "select(.type == \"client.stage_changed\" and .client == $client) | .stage" "$EVENTS" | paste -sd' ')"
