#!/usr/bin/env bash
# Installs what tracemap needs on a fresh Debian 12 machine (as root) and builds it.
#   scripts/setup.sh            # system packages + release build + default GeoIP database
#   scripts/setup.sh --debug    # the same with a debug build (what the tests use)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  libncursesw5-dev libmaxminddb-dev      # the TUI and GeoIP system libraries
  iproute2 nftables tmux                 # the test network and the TUI tests
  traceroute mtr-tiny scamper            # reference tools for the benchmarks and simulator checks
  dnsmasq libmaxmind-db-writer-perl      # the enrichment tests' DNS server and .mmdb writer
  libcap2-bin util-linux unzip python3-pip iputils-ping
  python3                                # the remote engines' stand-in server (Tests/RemoteStandIn)
  prometheus curl                        # a real Prometheus server scraping `watch --metrics`, promtool
  man-db binutils                        # the install tests: man -l renders the page; install.sh strips
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--debug" ]; then
  swift build --build-tests
else
  swift build -c release
  if [ -x scripts/install-geoip.sh ]; then scripts/install-geoip.sh || echo "setup: GeoIP database not installed (tracing works without locations)"; fi
fi
