#!/usr/bin/env bash
# Captures REAL output of the installed mtr and scamper for the import tests (Tests/ImportTests/Fixtures/real-*).
# Runs as root; builds its own path in network namespaces (host — r1 — r2 — destination, nothing leaves them):
#   host 192.0.2.1 → r1 192.0.2.2 → r2 198.51.100.2 (silent: drops time-exceeded) → dest 203.0.113.10
# and deletes the namespaces when done.
#   scripts/make-import-fixtures.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-Tests/ImportTests/Fixtures}
tag=tm9fix$$
ns=("$tag-h" "$tag-r1" "$tag-r2" "$tag-d")
cleanup() { for n in "${ns[@]}"; do ip netns del "$n" 2>/dev/null || true; done; }
trap cleanup EXIT
for n in "${ns[@]}"; do ip netns add "$n"; ip -n "$n" link set lo up; done
link() { # link INDEX LEFT RIGHT LEFTADDR RIGHTADDR
  ip link add "f$1a" netns "$2" type veth peer name "f$1b" netns "$3"
  ip -n "$2" link set "f$1a" up; ip -n "$3" link set "f$1b" up
  ip -n "$2" addr add "$4" dev "f$1a"; ip -n "$3" addr add "$5" dev "f$1b"
}
link 0 "${ns[0]}" "${ns[1]}" 192.0.2.1/30 192.0.2.2/30
link 1 "${ns[1]}" "${ns[2]}" 198.51.100.1/30 198.51.100.2/30
link 2 "${ns[2]}" "${ns[3]}" 203.0.113.1/24 203.0.113.10/24
for n in "${ns[@]}"; do ip netns exec "$n" sysctl -qw net.ipv4.icmp_ratelimit=0; done
for n in "${ns[1]}" "${ns[2]}"; do ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1; done
ip -n "${ns[0]}" route add default via 192.0.2.2
ip -n "${ns[1]}" route add default via 198.51.100.2
ip -n "${ns[2]}" route add 192.0.2.0/30 via 198.51.100.1
ip -n "${ns[3]}" route add default via 203.0.113.1
# r2 is a silent hop: it forwards but never says "time exceeded".
ip netns exec "${ns[2]}" nft -f - <<'NFT'
table inet silent {
  chain out {
    type filter hook output priority 0;
    icmp type time-exceeded drop
  }
}
NFT

h() { ip netns exec "${ns[0]}" "$@"; }
h mtr --json -n -c 5 -i 0.2 203.0.113.10 > "$out/real-mtr.json"
h mtr --json -n -z -c 3 -i 0.2 203.0.113.10 > "$out/real-mtr-asn.json"
# scamper: ICMP Paris traceroute, two attempts per hop, written as JSON straight away and through warts.
h scamper -O json -c "trace -P icmp-paris -q 2 -w 1" -i 203.0.113.10 > "$out/real-scamper.json"
tmp=$(mktemp)
h scamper -O warts -o "$tmp" -c "trace -P udp-paris -q 2 -w 1" -i 203.0.113.10
sc_warts2json "$tmp" > "$out/real-scamper-warts2json.json"
rm -f "$tmp"
# tracemap's own files, when a build is there: a trace saved with -w, and a recording of five rounds.
bin=${TRACEMAP:-.build/debug/tracemap}
if [ -x "$bin" ]; then
  h "$bin" trace -n -w "$out/real-tracemap.json" 203.0.113.10 > "$out/real-tracemap-table.txt" || true
  h "$bin" watch -n -c 5 -i 0.2 --record "$out/real-recording.jsonl" 203.0.113.10 > /dev/null || true
fi
ls -l "$out"/real-*
