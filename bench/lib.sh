# Shared set-up of the bench scripts: the tracemap binary, a network namespace whose TUN device the path simulator
# (`tracemap-lab sim`) plays, and a clean-up that removes every namespace and process they made, on any exit.
# Source it from a bench script (bash, root); it sets `work` (a temporary directory) and the traps.
#   . "$(dirname "$0")/lib.sh"
#   bin=$(bench_binary)
#   sim_up "$ns" "$work/path.json" "$bin"
# Only documentation ranges are routed into the device (192.0.2.1/24 on it, 198.51.100.0/24 and 203.0.113.0/24
# through it), so no probe can leave the namespace.

work=$(mktemp -d)
bench_namespaces=()
sim=""

# Every process left in our namespaces (the simulator, a dnsmasq, a tracer cut short), then the namespaces and
# the temporary directory. Safe to run twice: the EXIT trap runs it again after INT or TERM.
bench_cleanup() {
  [ -n "$sim" ] && kill "$sim" 2>/dev/null || true
  local ns
  for ns in "${bench_namespaces[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  bench_namespaces=()
  [ -n "$work" ] && rm -rf "$work"
}
trap bench_cleanup EXIT
trap 'bench_cleanup; exit 130' INT
trap 'bench_cleanup; exit 143' TERM

# The tracemap binary: $TRACEMAP_BIN when set (skips the build), else a release build in .build (both products:
# tracemap and the lab beside it).
bench_binary() {
  if [ -n "${TRACEMAP_BIN:-}" ]; then
    echo "$TRACEMAP_BIN"
    return
  fi
  swift build -c release >/dev/null
  echo "$(swift build -c release --show-bin-path)/tracemap"
}

# lab_binary BIN: tracemap-lab (simulator, in-process benchmarks) beside BIN, or $TRACEMAP_LAB_BIN when set.
lab_binary() {
  local lab=${TRACEMAP_LAB_BIN:-$(dirname "$1")/tracemap-lab}
  if [ ! -x "$lab" ]; then
    echo "bench: no tracemap-lab at $lab (swift build -c release --product tracemap-lab)" >&2
    return 1
  fi
  echo "$lab"
}

# sim_up NS SCENARIO_FILE BIN: makes namespace NS with the TUN device tm0 (192.0.2.1/24) and routes to
# 198.51.100.0/24 and 203.0.113.0/24 through it, starts `tracemap-lab sim` (beside BIN) playing SCENARIO_FILE there (its pid in `sim`,
# its log in $work/sim.log) and waits until the simulator holds the device. The simulator reloads the file when it
# changes, so scenarios can be switched mid-run by replacing it.
sim_up() {
  local ns=$1 scenario=$2 lab
  lab=$(lab_binary "$3") || return 1
  ip netns add "$ns"
  bench_namespaces+=("$ns")
  ip -n "$ns" link set lo up
  ip -n "$ns" tuntap add dev tm0 mode tun
  ip -n "$ns" addr add 192.0.2.1/24 dev tm0
  ip -n "$ns" link set tm0 up
  ip -n "$ns" route add 198.51.100.0/24 dev tm0
  ip -n "$ns" route add 203.0.113.0/24 dev tm0
  # Replies come back on tm0 from addresses routed through tm0; strict reverse-path filtering would drop some.
  ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tm0.rp_filter=0
  ip netns exec "$ns" "$lab" sim --scenario "$scenario" --tun tm0 >"$work/sim.log" 2>&1 &
  sim=$!
  # A TUN device is LOWER_UP once a process has attached to it.
  local _
  for _ in $(seq 50); do ip -n "$ns" -o link show tm0 | grep -q LOWER_UP && break; sleep 0.1; done
  if ! kill -0 "$sim" 2>/dev/null || ! ip -n "$ns" -o link show tm0 | grep -q LOWER_UP; then
    echo "bench: the simulator did not start:" >&2
    cat "$work/sim.log" >&2
    return 1
  fi
}
