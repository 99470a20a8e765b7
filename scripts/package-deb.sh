#!/usr/bin/env bash
# Packages what scripts/install.sh installs (prefix /usr) as tracemap_VERSION_amd64.deb with dpkg-deb; its postinst
# grants /usr/bin/tracemap cap_net_raw with setcap. Install with `apt install ./tracemap_VERSION_amd64.deb`.
#
#   scripts/package-deb.sh [--binary FILE] [--geoip FILE | --no-geoip] [--output DIRECTORY]
#
# Depends are the Debian packages of the libraries the binary loads (ldd, dpkg -S), plus libcap2-bin for setcap.
set -euo pipefail
cd "$(dirname "$0")/.."

output=.
install_arguments=()
binary=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --binary) binary="${2:?}"; install_arguments+=(--binary "$2"); shift ;;
        --geoip) install_arguments+=(--geoip "${2:?}"); shift ;;
        --no-geoip) install_arguments+=(--no-geoip) ;;
        --output) output="${2:?}"; shift ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "package-deb.sh: unknown option $1" >&2; exit 64 ;;
    esac
    shift
done

version="$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/TracemapModel/TraceMeta.swift)"
architecture="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
scripts/install.sh --prefix /usr --destdir "$stage" "${install_arguments[@]}"

# The shared libraries the binary loads, as the Debian packages that ship them (no Swift toolchain among them).
depends=()
while read -r library; do
    package="$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -n 1 | cut -d: -f1)" || true
    [[ -z "$package" ]] && package="$(dpkg -S "$library" 2>/dev/null | head -n 1 | cut -d: -f1)" || true
    [[ -n "$package" ]] && depends+=("$package")
done < <(ldd "$stage/usr/bin/tracemap" | awk '/=>/ {print $3}')
depends+=(libcap2-bin)
depends_line="$(printf '%s\n' "${depends[@]}" | sort -u | paste -sd, | sed 's/,/, /g')"

install -d -m 0755 "$stage/DEBIAN" "$stage/usr/share/doc/tracemap"
cat > "$stage/usr/share/doc/tracemap/copyright" <<'TEXT'
tracemap: a traceroute monitor for Linux terminals.

/usr/share/tracemap/dbip-city-lite.mmdb: DB-IP City Lite by DB-IP.com (https://db-ip.com),
licensed under the Creative Commons Attribution 4.0 International License (CC BY 4.0).
TEXT
chmod 0644 "$stage/usr/share/doc/tracemap/copyright"
size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<TEXT
Package: tracemap
Version: $version
Architecture: $architecture
Maintainer: tracemap maintainers <tracemap@users.noreply.github.com>
Installed-Size: $size
Depends: $depends_line
Section: net
Priority: optional
Description: traceroute monitor for Linux terminals
 A live hop table and world map (tracemap tui), one-shot traces (tracemap trace) and a headless
 monitor that raises alerts on route changes, RTT spikes and loss (tracemap watch).
 GeoIP data: DB-IP City Lite by DB-IP.com, CC BY 4.0.
TEXT
cat > "$stage/DEBIAN/postinst" <<'TEXT'
#!/bin/sh
# Every user may trace with raw sockets; tracemap drops the capability once its sockets are open.
set -e
if [ "$1" = configure ]; then
    if command -v setcap >/dev/null && setcap cap_net_raw+ep /usr/bin/tracemap; then
        echo "tracemap: granted cap_net_raw to /usr/bin/tracemap (setcap): every user can trace without sudo"
    else
        echo "tracemap: could not grant cap_net_raw; trace with sudo, or with ping/UDP sockets" >&2
    fi
fi
exit 0
TEXT
chmod 0755 "$stage/DEBIAN/postinst"

deb="$output/tracemap_${version}_${architecture}.deb"
mkdir -p "$output"
# gzip: a 100 MB database takes minutes with dpkg-deb's default xz, and it hardly compresses anyway.
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1)); install with: apt install ./$(basename "$deb")"
