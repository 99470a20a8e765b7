#!/usr/bin/env bash
# Removes what scripts/install.sh installed under PREFIX (default /usr/local), the GeoIP database included, and
# the directories it made when they are left empty. Users' own files (~/.config/tracemap, ~/.cache/tracemap,
# ~/.local/share/tracemap) stay.
#
#   scripts/uninstall.sh [--prefix DIR] [--keep-geoip]
set -euo pipefail

prefix=/usr/local
keep_geoip=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --prefix) prefix="${2:?--prefix needs a directory}"; shift ;;
        --prefix=*) prefix="${1#*=}" ;;
        --keep-geoip) keep_geoip=1 ;;
        -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "uninstall.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done

files=(
    bin/tracemap
    bin/tracemap-lab
    share/man/man1/tracemap.1
    share/bash-completion/completions/tracemap
    share/zsh/site-functions/_tracemap
    share/zsh/vendor-completions/_tracemap
    share/fish/vendor_completions.d/tracemap.fish
)
[[ $keep_geoip -eq 1 ]] || files+=(share/tracemap/dbip-city-lite.mmdb)
removed=0
for file in "${files[@]}"; do
    if [[ -e "$prefix/$file" || -L "$prefix/$file" ]]; then
        rm -f "$prefix/$file"
        echo "removed $prefix/$file"
        removed=$((removed + 1))
    fi
done
for directory in share/tracemap share/man/man1 share/man share/bash-completion/completions share/bash-completion \
    share/zsh/site-functions share/zsh/vendor-completions share/zsh share/fish/vendor_completions.d share/fish \
    share bin; do
    [[ -d "$prefix/$directory" ]] && rmdir "$prefix/$directory" 2>/dev/null || true
done
rmdir "$prefix" 2>/dev/null || true
[[ $removed -gt 0 ]] || echo "nothing of tracemap under $prefix"
command -v mandb >/dev/null && [[ -w /var/cache/man ]] && mandb -q 2>/dev/null || true
