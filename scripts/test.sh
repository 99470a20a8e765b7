#!/usr/bin/env bash
# Sets everything up and runs every test. Network tests build namespaces and need root (CI runs as root);
# as another user they are skipped, and the unit tests still run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --debug
swift test 2>&1 | tee /tmp/tracemap-test.log
status=${PIPESTATUS[0]}
# Fuzz smoke: each libFuzzer target (packet, dns, recording) for a few seconds over its seed corpus.
if [[ $status == 0 ]]; then scripts/fuzz.sh all 5 || status=$?; fi
# Leave no namespace behind, whatever happened.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^tm-' || true); do ip netns del "$ns" || true; done
exit "$status"
