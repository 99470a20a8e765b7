#!/usr/bin/env bash
# A real trace and a real recording of a simulated Paris → San Francisco path (the demo's path, with two hops
# misplaced the way GeoIP databases misplace routers: at the operator's head office, on the wrong continent), and
# every export of them: what the README's `export` section shows and screenshots/export-html.png photographs.
# Root only; everything runs in a namespace it makes and removes.
#   scripts/export-sample.sh OUTDIR [--screenshot]      (TRACEMAP_BIN=path skips the build)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:?usage: scripts/export-sample.sh OUTDIR [--screenshot]}")
mkdir -p "$out"
. bench/lib.sh
bin=$(bench_binary)
ns=tm-export-$$

phase() {   # phase HOP3_ADDRESS HOP3_DELAY EXTRA_MS DESTINATION_LOSS
  cat >"$work/path.json.new" <<JSON
{"seed": 11,
 "hops": [
  {"address": "198.51.100.1", "delay_ms": 0.8, "jitter_ms": 0.2},
  {"address": "198.51.100.2", "delay_ms": 6, "jitter_ms": 0.5},
  {"address": "$1", "delay_ms": $2, "jitter_ms": 0.5, "mpls": [{"label": 24001, "ttl": 1}]},
  {"silent": true, "delay_ms": 40},
  {"address": "198.51.100.5", "delay_ms": $((78 + $3)), "jitter_ms": 1.5},
  {"address": "198.51.100.6", "delay_ms": $((96 + $3)), "jitter_ms": 1.5, "reply_loss": 10},
  {"address": "198.51.100.7", "delay_ms": $((138 + $3)), "jitter_ms": 2,
   "alternatives": [{"address": "198.51.100.77", "delay_ms": $((141 + $3))}]}
 ],
 "destination": {"delay_ms": $((142 + $3)), "jitter_ms": 2, "loss": $4}}
JSON
  mv "$work/path.json.new" "$work/path.json"
}

# Names, networks and places (documentation addresses are in no GeoIP database). Hop 2 sits in Frankfurt 6 ms
# away but its record says Ashburn; hop 6 answers from Chicago but its record says São Paulo.
cat >"$out/hosts.json" <<'JSON'
{
 "198.51.100.1": {"hostname": "gw.par.example", "class": "documentation", "asn": {"number": 64500, "organization": "Example Access"},
   "location": {"city": "Paris", "country_code": "FR", "latitude": 48.86, "longitude": 2.35, "accuracy_radius_km": 20}},
 "198.51.100.2": {"hostname": "core1.fra.example", "class": "documentation", "asn": {"number": 64500, "organization": "Example Access"},
   "location": {"city": "Ashburn", "country_code": "US", "latitude": 39.04, "longitude": -77.49, "accuracy_radius_km": 50}},
 "198.51.100.3": {"hostname": "core2.lon.example", "class": "documentation", "asn": {"number": 64501, "organization": "Example Backbone"},
   "location": {"city": "London", "country_code": "GB", "latitude": 51.51, "longitude": -0.13}},
 "198.51.100.33": {"hostname": "core2.ams.example", "class": "documentation", "asn": {"number": 64501, "organization": "Example Backbone"},
   "location": {"city": "Amsterdam", "country_code": "NL", "latitude": 52.37, "longitude": 4.9}},
 "198.51.100.5": {"hostname": "edge1.nyc.example", "class": "documentation", "asn": {"number": 64502, "organization": "Example Transatlantic"},
   "location": {"city": "New York", "country_code": "US", "latitude": 40.71, "longitude": -74.0}},
 "198.51.100.6": {"hostname": "edge2.chi.example", "class": "documentation", "asn": {"number": 64502, "organization": "Example Transatlantic"},
   "location": {"city": "São Paulo", "country_code": "BR", "latitude": -23.55, "longitude": -46.63}},
 "198.51.100.7": {"hostname": "lb1.den.example", "class": "documentation", "asn": {"number": 64510, "organization": "Example Hosting"},
   "location": {"city": "Denver", "country_code": "US", "latitude": 39.74, "longitude": -104.99}},
 "198.51.100.77": {"hostname": "lb2.den.example", "class": "documentation", "asn": {"number": 64510, "organization": "Example Hosting"},
   "location": {"city": "Denver", "country_code": "US", "latitude": 39.74, "longitude": -104.99}},
 "203.0.113.10": {"hostname": "www.sfo.example", "class": "documentation", "asn": {"number": 64510, "organization": "Example Hosting"},
   "location": {"city": "San Francisco", "country_code": "US", "latitude": 37.77, "longitude": -122.42}}
}
JSON

phase 198.51.100.3 9 0 0
sim_up "$ns" "$work/path.json" "$bin"
run() { ip netns exec "$ns" "$bin" "$@"; }

run trace -n --profile offline -q 3 --json 203.0.113.10 >"$out/trace.json" || true

# A recording with an incident: calm, a route change at hop 3, an RTT spike behind the Atlantic, loss at the
# destination, calm again (0.5 s rounds).
run watch -n -i 0.5 -c 90 --record "$out/recording.jsonl" 203.0.113.10 >"$out/watch.txt" 2>&1 &
watch=$!
sleep 9;  phase 198.51.100.33 12 0 0
sleep 9;  phase 198.51.100.33 12 120 0
sleep 9;  phase 198.51.100.33 12 0 40
sleep 9;  phase 198.51.100.3 9 0 0
wait "$watch" || true

for input in trace recording; do
  file=$out/$input.json; [ "$input" = recording ] && file=$out/recording.jsonl
  for format in html svg markdown mtr-json csv; do
    "$bin" export "$file" --hosts "$out/hosts.json" --no-geoip --format "$format"
  done
done
"$bin" export "$out/trace.json" --hosts "$out/hosts.json" --no-geoip --format markdown -o - >/dev/null

if [ "${2:-}" = "--screenshot" ]; then
  mkdir -p screenshots
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2330 \
    --screenshot="$PWD/screenshots/export-html.png" "file://$out/recording.html" >/dev/null 2>&1
  echo "wrote screenshots/export-html.png"
fi
ls -l "$out"
