#!/usr/bin/env bash
# Does the continuous monitor's memory stay flat?
#  1. In process: `tracemap-lab bench monitor` runs the real Monitor for ROUNDS accelerated rounds (interval 0; the
#     monitor's 1 ms floor between round starts applies) of a synthetic 7-hop path with jitter, an ECMP hop and
#     occasional loss, printing VmRSS before, every 10000 rounds and after, and the rounds per second.
#     Flat means: at most 1 MiB more at the end than after the first 10000 rounds, once statistics windows,
#     baselines and event buffers are full.
#  2. With --live N: `tracemap watch -i 1 -c N` and `mtr -n -r -i 1 -c N` on the simulator path (bench/watch-bench.sh's
#     7 hops + destination, 0.3 ms jitter) at the same time, each one's RSS sampled every minute, CPU and peak RSS
#     at the end. N = 600 is the 10-minute run at one round per second. Root only (a namespace it makes).
#   bench/monitor-memory.sh [rounds] [--live N]     (default 100000 rounds, no live run; TRACEMAP_BIN=path skips
#                                                    the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=100000
live=0
while [ $# -gt 0 ]; do
  case "$1" in
    --live) live=${2:?--live needs a number of rounds}; shift 2 ;;
    *) rounds=$1; shift ;;
  esac
done
. bench/lib.sh
bin=$(bench_binary)

echo "== in process: tracemap-lab bench monitor --rounds $rounds"
"$(lab_binary "$bin")" bench monitor --rounds "$rounds" | tee "$work/monitor.txt"
python3 - "$work/monitor.txt" <<'PY'
import re, sys
samples = [(int(m.group(1)), float(m.group(2))) for m in
           re.finditer(r"RSS after (\d+) rounds\s+([\d.]+) MiB", open(sys.argv[1]).read())]
if len(samples) >= 2:
    (first_rounds, first), (last_rounds, last) = samples[0], samples[-1]
    growth = last - first
    verdict = "flat" if growth <= 1.0 else "GROWS"
    print(f"RSS from {first_rounds} to {last_rounds} rounds: {growth:+.1f} MiB "
          f"({growth / first * 100:+.1f}%): {verdict} (target: flat, at most +1 MiB)")
PY

[ "$live" -gt 0 ] || exit 0

ns=tm-mbench-$$
target=203.0.113.10
python3 - >"$work/path.json" <<'PY'
import json
hops = [["198.51.100.1", 1], ["198.51.100.2", 5], ["198.51.100.3", 11], ["198.51.100.41", 16],
        ["198.51.100.51", 24], ["198.51.100.61", 31], ["198.51.100.71", 38]]
print(json.dumps({"seed": 2, "hops": [{"address": a, "delay_ms": d, "jitter_ms": 0.3} for a, d in hops],
                  "destination": {"delay_ms": 45, "jitter_ms": 0.3}}))
PY
sim_up "$ns" "$work/path.json" "$bin"

echo "== live: tracemap watch and mtr, $live rounds at -i 1 each, side by side on the simulator path"
/usr/bin/time -f "%e %U %S %M" -o "$work/tracemap.time" \
  ip netns exec "$ns" "$bin" watch --json -i 1 -c "$live" "$target" >"$work/tracemap.jsonl" 2>"$work/tracemap.err" &
tracemap_timer=$!
/usr/bin/time -f "%e %U %S %M" -o "$work/mtr.time" \
  ip netns exec "$ns" mtr -n -r -i 1 -c "$live" "$target" >"$work/mtr.txt" 2>&1 &
mtr_timer=$!

# `ip netns exec` execs the command in place, so the timer's child is the tracer itself; mtr's own child is
# mtr-packet, counted with it.
child_of() { cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}'; }
tree_rss_kib() {
  local pid=$1 total=0 each
  [ -n "$pid" ] || { echo 0; return; }
  for each in $pid $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do
    # A finished (or zombie) process has no VmRSS line.
    each=$(awk '/^VmRSS:/ {print $2}' "/proc/$each/status" 2>/dev/null || true)
    total=$((total + ${each:-0}))
  done
  echo "$total"
}
sleep 1
tracemap_pid=$(child_of "$tracemap_timer")
mtr_pid=$(child_of "$mtr_timer")
start=$(date +%s)
next=0
: >"$work/samples.txt"
while kill -0 "$tracemap_timer" 2>/dev/null || kill -0 "$mtr_timer" 2>/dev/null; do
  now=$(( $(date +%s) - start ))
  if [ "$now" -ge "$next" ]; then
    echo "$now $(tree_rss_kib "$tracemap_pid") $(tree_rss_kib "$mtr_pid")" >>"$work/samples.txt"
    next=$((next + 60))
  fi
  sleep 0.5
done
wait "$tracemap_timer" || true
wait "$mtr_timer" || true

python3 - "$live" "$work/samples.txt" "$work/tracemap.time" "$work/mtr.time" "$work/tracemap.jsonl" <<'PY'
import json, sys
live = int(sys.argv[1])
samples = [tuple(map(int, line.split())) for line in open(sys.argv[2]) if line.strip()]
print("path: 7 hops + destination 45 ms, jitter 0.3 ms (simulator on TUN)")
print("  after   tracemap RSS     mtr RSS (+ mtr-packet)")
for seconds, tracemap, mtr in samples:
    cell = lambda kib: f"{kib / 1024:8.1f} MiB" if kib else "     (done)"
    print(f"  {seconds:4d} s  {cell(tracemap)}  {cell(mtr)}")
def times(path):
    wall, user, system, rss = map(float, open(path).read().split()[-4:])
    return wall, user + system, rss
tm_wall, tm_cpu, tm_rss = times(sys.argv[3])
mtr_wall, mtr_cpu, mtr_rss = times(sys.argv[4])
lines = [json.loads(line) for line in open(sys.argv[5]) if line.strip()]
alerts = [l for l in lines if l.get("type") == "event" and l.get("severity") != "info"]
print(f"tracemap watch -i 1 -c {live}   wall {tm_wall:6.1f} s  CPU {tm_cpu:6.2f} s ({tm_cpu / live * 1000:5.2f} ms/round)"
      f"  max RSS {tm_rss / 1024:6.1f} MiB  alerts {len(alerts)}")
print(f"mtr -n -r -i 1 -c {live}        wall {mtr_wall:6.1f} s  CPU {mtr_cpu:6.2f} s ({mtr_cpu / live * 1000:5.2f} ms/round)"
      f"  max RSS {mtr_rss / 1024:6.1f} MiB   tracemap/mtr CPU = {tm_cpu / max(mtr_cpu, 0.01):.2f}")
PY
