#!/usr/bin/env bash
# Soak: `tracemap watch` on the simulator path for MINUTES while incidents are injected in turn — a route flap,
# an RTT spike, loss at the destination, a silent destination — each followed by calm. Checks at the end:
#   - resident memory flat after warm-up (max − min of the samples after the first quarter ≤ 1024 KiB);
#   - every injected incident reported once, with its recovery (the monitor's events, matched by time);
#   - the recording complete and readable (a header, every round of the final report, every line JSON).
# Root only; everything runs in a namespace it makes. Prints one line per check and exits 1 if any fails.
#   bench/soak.sh [MINUTES]     (default 60; TRACEMAP_BIN=path skips the release build; SOAK_PHASE=s per phase)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-60}
phase=${SOAK_PHASE:-8}
. bench/lib.sh
bin=$(bench_binary)
ns=tm-soak-$$
target=203.0.113.10

# The path as it is now: normal, or with one incident.
scenario() {
  python3 - "$1" <<'PY'
import json, sys
kind = sys.argv[1]
hops = [["198.51.100.1", 1], ["198.51.100.2", 5], ["198.51.100.3", 11], ["198.51.100.41", 16],
        ["198.51.100.51", 24], ["198.51.100.61", 31]]
destination = {"delay_ms": 38, "jitter_ms": 0.3}
if kind == "route":
    hops[2][0], hops[3][0] = "198.51.100.133", "198.51.100.144"
if kind == "spike":
    for hop in hops[3:]:
        hop[1] += 80
    destination["delay_ms"] += 80
if kind == "loss":
    destination["loss"] = 60
if kind == "silent":
    destination["silent"] = True
print(json.dumps({"seed": 7, "hops": [{"address": a, "delay_ms": d, "jitter_ms": 0.3} for a, d in hops],
                  "destination": destination}))
PY
}
switch_to() { scenario "$1" >"$work/next.json" && mv "$work/next.json" "$work/path.json"; }

switch_to normal
sim_up "$ns" "$work/path.json" "$bin"

ip netns exec "$ns" "$bin" watch --json -n -i 0.2 --lost-rounds 5 --record "$work/rec.jsonl" "$target" \
  >"$work/events.jsonl" 2>"$work/watch.err" &
watcher=$!
end=$(( $(date +%s) + minutes * 60 ))
: >"$work/incidents"
: >"$work/rss"
sample() { awk '/VmRSS/ {print $2}' "/proc/$watcher/status" 2>/dev/null >>"$work/rss" || true; }
sleep "$phase"
kinds=(route spike loss silent)
i=0
while (( $(date +%s) + 2 * phase < end )); do
  kind=${kinds[$((i % 4))]}
  echo "$kind $(date +%s.%N)" >>"$work/incidents"
  switch_to "$kind"
  for _ in $(seq "$phase"); do sleep 1; (( $(date +%s) % 5 == 0 )) && sample; done
  switch_to normal
  echo "calm $(date +%s.%N)" >>"$work/incidents"
  for _ in $(seq $((phase * 2))); do sleep 1; (( $(date +%s) % 5 == 0 )) && sample; done
  i=$((i + 1))
done
while (( $(date +%s) < end )); do sleep 1; (( $(date +%s) % 5 == 0 )) && sample; done
kill -INT "$watcher"
wait "$watcher" || true

keep=/tmp/tracemap-soak-$$
python3 - "$work" "$minutes" <<'PY' || { mkdir -p "$keep"; cp "$work"/{events.jsonl,rec.jsonl,incidents,rss,watch.err} "$keep"/; echo "soak: files kept in $keep" >&2; exit 1; }
import json, sys
work, minutes = sys.argv[1], sys.argv[2]
failures = []
rss = [int(x) for x in open(f"{work}/rss").read().split()]
steady = rss[len(rss) // 4:]
growth = max(steady) - min(steady) if steady else 0
print(f"soak {minutes} min: RSS {rss[0] if rss else 0} → {rss[-1] if rss else 0} KiB over {len(rss)} samples; "
      f"after warm-up max − min = {growth} KiB (limit 1024)")
if growth > 1024: failures.append("RSS not flat")

incidents = []
for line in open(f"{work}/incidents"):
    kind, t = line.split()
    incidents.append((kind, float(t)))
events, summaries = [], []
for line in open(f"{work}/events.jsonl"):
    obj = json.loads(line)
    if obj.get("type") == "event": events.append(obj)
    elif "rounds" in obj or obj.get("type") == "summary": summaries.append(obj)
expect = {"route": ("route-change", "route-change"), "spike": ("rtt-spike", "rtt-recovery"),
          "loss": ("loss", "loss-recovery"), "silent": ("destination-lost", "destination-reached")}
pairs = [(incidents[k][0], incidents[k][1], incidents[k + 1][1] if k + 1 < len(incidents) else 1e18,
          incidents[k + 2][1] if k + 2 < len(incidents) else 1e18) for k in range(0, len(incidents), 2)]
for kind, start, calm, next_start in pairs:
    alert, recovery = expect[kind]
    during = [e for e in events if start <= e["time"] < calm + 3 and e["kind"] == alert]
    after = [e for e in events if calm <= e["time"] < next_start and e["kind"] == recovery and e is not (during[0] if during else None)]
    if kind == "route":
        changes = len([e for e in events if start <= e["time"] < next_start and e["kind"] == "route-change"])
        ok = changes == 2
        text = f"route-change ×{changes} (the change and the change back)"
    else:
        ok = len(during) == 1 and len(after) == 1
        text = f"{alert} ×{len(during)}, {recovery} ×{len(after)}"
    print(f"  {kind:6} at +{start - incidents[0][1]:6.1f} s: {text}{'' if ok else '   ← expected once each'}")
    if not ok: failures.append(f"{kind} at {start:.0f}")

lines = open(f"{work}/rec.jsonl").read().split("\n")
if lines and lines[-1] == "": lines.pop()
parsed = [json.loads(l) for l in lines]
rounds = [p for p in parsed if p.get("type") == "round"]
header_ok = bool(parsed) and parsed[0].get("type") == "header"
indices = [r["round"] for r in rounds]
contiguous = indices == list(range(len(indices)))
print(f"recording: {len(lines)} lines, header {'ok' if header_ok else 'MISSING'}, {len(rounds)} rounds "
      f"{'numbered 0…' + str(len(rounds) - 1) if contiguous else 'with gaps'}, "
      f"{sum(1 for p in parsed if p.get('type') == 'event')} events")
if not (header_ok and contiguous and rounds): failures.append("recording incomplete")
print("soak: " + ("PASS" if not failures else "FAIL: " + ", ".join(failures)))
sys.exit(1 if failures else 0)
PY
