#!/usr/bin/env bash
# The probe reactor as a user meets it, next to traceroute and mtr in the same run (root only; everything runs in
# namespaces it makes and removes):
#   1. wait syscalls per probe sent (strace -f -c) for `watch -c 10` and `trace` on the simulator path with a
#      silent and a lossy hop;
#   2. one-shot trace wall and CPU time against traceroute on the benchmark path (median of N);
#   3. `watch` CPU at 1 round/s against `mtr -n -l` (mtr's raw mode: probing without a display) on the simulator
#      path and on a chain of real Linux routers;
#   4. many targets at 1 round/s behind the real routers: CPU, threads, file descriptors, RSS.
#   bench/reactor-bench.sh [seconds-per-watch (30)] [targets (500)]
# OLD_BIN=path also measures another tracemap build the same way (before/after figures).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
targets=${2:-500}
. bench/lib.sh
bin=$(bench_binary)
old=${OLD_BIN:-}
sections=${SECTIONS:-1 2 3 4}
want() { [[ " $sections " == *" $1 "* ]]; }
ns=tm-rbench-$$

# The benchmark path with hop 2 dropping a third of its replies (rate limiting) and hop 4 silent.
python3 - >"$work/path.json" <<'PY'
import json
path = json.load(open("bench/benchmark-path.json"))
path["hops"][1]["reply_loss"] = 30
print(json.dumps(path))
PY
sim_up "$ns" "$work/path.json" "$bin"
target=203.0.113.10
run_ns() { ip netns exec "$ns" "$@"; }

if want 1; then
echo "== 1. wait syscalls per probe sent (strace -f -c; path: 6 hops, hop 2 lossy, hop 4 silent) =="
waits_per_probe() {
  local label=$1; shift
  strace -f -c -o "$work/strace" ip netns exec "$ns" "$@" >/dev/null 2>&1 || true
  python3 - "$work/strace" "$label" <<'PY'
import sys
calls = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) >= 5 and parts[-1].isidentifier() and parts[3].isdigit():
        calls[parts[-1]] = int(parts[3])
    elif len(parts) >= 4 and parts[-1].isidentifier() and parts[2].isdigit():
        calls[parts[-1]] = int(parts[2])
waits = sum(calls.get(name, 0) for name in ("poll", "ppoll", "epoll_wait", "epoll_pwait", "epoll_pwait2", "select", "pselect6"))
sends = sum(calls.get(name, 0) for name in ("sendto", "sendmsg", "sendmmsg"))
print(f"{sys.argv[2]:34} {waits:6d} waits / {sends:4d} sends = {waits / max(sends, 1):6.2f} per probe")
PY
}
waits_per_probe "tracemap watch -n -c 10" "$bin" watch -n -c 10 "$target"
waits_per_probe "tracemap trace -n" "$bin" trace -n "$target"
[ -n "$old" ] && waits_per_probe "old tracemap watch -n -c 10" "$old" watch -n -c 10 "$target"
[ -n "$old" ] && waits_per_probe "old tracemap trace -n" "$old" trace -n "$target"
waits_per_probe "traceroute -n" traceroute -n "$target"
waits_per_probe "mtr -n -r -c 10" mtr -n -r -c 10 "$target"
fi

if want 2; then
echo "== 2. one-shot trace on the benchmark path (median of 10) =="
python3 - "$ns" "$target" "$bin" "$old" <<'PY'
import os, resource, statistics, subprocess, sys, time
ns, target, binary, old = sys.argv[1:5]
def measure(cmd, runs=10):
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(["ip", "netns", "exec", ns] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)
rows = [("tracemap trace -n", [binary, "trace", "-n", target])]
if old:
    rows.append(("old tracemap trace -n", [old, "trace", "-n", target]))
rows.append(("traceroute -n", ["traceroute", "-n", target]))
results = {label: measure(cmd) for label, cmd in rows}
tr_wall, tr_cpu = results["traceroute -n"]
for label, (wall, cpu) in results.items():
    print(f"{label:24} wall {wall * 1000:7.1f} ms ({wall / tr_wall:4.2f}x traceroute)   "
          f"CPU {cpu * 1000:6.1f} ms ({cpu / max(tr_cpu, 1e-4):5.1f}x traceroute)")
PY
fi

# CPU seconds (user+system) a command uses over its run, from /usr/bin/time.
cpu_of() {
  /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
  awk '{printf "%.2f %d\n", $1 + $2, $3}' "$work/time"
}
watch_vs_mtr() {
  local where=$1 host=$2; shift 2
  local run=("$@")
  read -r tm_cpu tm_rss < <(cpu_of "${run[@]}" "$bin" watch -n -c "$seconds" "$host")
  read -r mtr_cpu mtr_rss < <(cpu_of "${run[@]}" mtr -n -l -c "$seconds" "$host")
  local line
  line=$(python3 -c "
s=$seconds; tm=$tm_cpu; mtr=$mtr_cpu
print(f'{\"$where\":22} tracemap {tm / s * 100:5.2f} % of a core  mtr {mtr / s * 100:5.2f} %  tracemap/mtr = {tm / max(mtr, 0.005):.2f}')")
  echo "$line"
  if [ -n "$old" ]; then
    read -r old_cpu _ < <(cpu_of "${run[@]}" "$old" watch -n -c "$seconds" "$host")
    python3 -c "print(f'{\"\":22} old tracemap {$old_cpu / $seconds * 100:5.2f} % of a core')"
  fi
}
if want 3; then
echo "== 3. watch at 1 round/s for $seconds s next to mtr -n -l (CPU over the run) =="
watch_vs_mtr "simulator path" "$target" ip netns exec "$ns"
fi

# A chain of real routers: host — r1 — r2 — destination; the destination holds $targets addresses.
make_chain() {
  local h=tm-rb-h-$$ r1=tm-rb-r1-$$ r2=tm-rb-r2-$$ d=tm-rb-d-$$
  for n in $h $r1 $r2 $d; do ip netns add "$n"; bench_namespaces+=("$n"); ip -n "$n" link set lo up; done
  ip link add c0a netns $h type veth peer name c0b netns $r1
  ip link add c1a netns $r1 type veth peer name c1b netns $r2
  ip link add c2a netns $r2 type veth peer name c2b netns $d
  ip -n $h addr add 192.0.2.1/30 dev c0a; ip -n $r1 addr add 192.0.2.2/30 dev c0b
  ip -n $r1 addr add 198.51.100.1/30 dev c1a; ip -n $r2 addr add 198.51.100.2/30 dev c1b
  ip -n $r2 addr add 198.51.100.5/30 dev c2a; ip -n $d addr add 198.51.100.6/30 dev c2b
  for l in "$h c0a" "$r1 c0b" "$r1 c1a" "$r2 c1b" "$r2 c2a" "$d c2b"; do set -- $l; ip -n "$1" link set "$2" up; done
  ip -n $h route add default via 192.0.2.2
  ip -n $r2 route add default via 198.51.100.6; ip -n $r2 route add 192.0.2.0/30 via 198.51.100.1
  ip -n $d route add default via 198.51.100.5
  for n in $h $r1 $r2 $d; do
    ip netns exec "$n" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000
  done
  ip netns exec $r1 sysctl -qw net.ipv4.ip_forward=1; ip netns exec $r2 sysctl -qw net.ipv4.ip_forward=1
  # The targets, all on the destination: 203.0.113.0/24, 198.51.100.128/25 and 192.0.2.128/25 (up to 506).
  local i=0 a
  : >"$work/targets.txt"
  for a in $(seq 1 254 | sed 's/^/203.0.113./') $(seq 129 254 | sed 's/^/198.51.100./') \
           $(seq 129 254 | sed 's/^/192.0.2./'); do
    [ "$i" -ge "$targets" ] && break
    echo "$a" >>"$work/targets.txt"; i=$((i + 1))
  done
  while read -r a; do echo "address add $a/32 dev lo"; done <"$work/targets.txt" | ip -n $d -batch -
  for prefix in 203.0.113.0/24 198.51.100.128/25 192.0.2.128/25; do
    ip -n $r1 route add $prefix via 198.51.100.2
    ip -n $r2 route add $prefix via 198.51.100.6
  done
  chain_host=$h
}
make_chain
echo "$(wc -l <"$work/targets.txt") targets ready behind two real routers"
if want 3; then watch_vs_mtr "real routers" 203.0.113.1 ip netns exec "$chain_host"; fi

want 4 || exit 0
echo "== 4. $targets targets at 1 round/s for $seconds s, one process, behind the real routers =="
ip netns exec "$chain_host" "$bin" watch -n --json -c "$seconds" --targets "$work/targets.txt" >"$work/many.jsonl" 2>"$work/many.err" &
pid=$!
sleep $((seconds / 2))
child=$(pgrep -P "$pid" | head -1 || true); [ -n "$child" ] || child=$pid
threads=$(ls /proc/"$child"/task | wc -l)
fds=$(ls /proc/"$child"/fd | wc -l)
rss=$(awk '/VmRSS/ {print $2}' /proc/"$child"/status)
wait "$pid" || true
python3 - "$work/many.jsonl" "$targets" "$seconds" "$threads" "$fds" "$rss" "$work/time" <<'PY'
import json, sys
path, targets, seconds, threads, fds, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(int, sys.argv[4:7])
finals = [l for l in map(json.loads, open(path)) if l.get("type") == "summary" and l.get("final")]
reached = sum(1 for f in finals if f.get("reached"))
wrong = 0
for f in finals:
    hops = f.get("hops", [])
    if hops and hops[-1]["responders"] and hops[-1]["responders"][0]["address"] != f["target"]["address"]:
        wrong += 1
print(f"threads {threads}, file descriptors {fds}, RSS {rss / 1024:.1f} MiB (at half time)")
print(f"{len(finals)} targets reported, {reached} reached at the end, {wrong} with another target's reply")
PY
read -r many_cpu _ < <(cpu_of ip netns exec "$chain_host" "$bin" watch -n -c "$seconds" --targets "$work/targets.txt")
python3 -c "print(f'CPU over {$seconds} s: {$many_cpu:.2f} s = {$many_cpu / $seconds * 100:.1f} % of a core for $targets targets')"
