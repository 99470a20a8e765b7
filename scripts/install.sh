#!/usr/bin/env bash
# Builds tracemap as a binary that needs no Swift toolchain at run time and installs it with everything around it:
#
#   PREFIX/bin/tracemap                                   the binary (Swift runtime linked in: only glibc, libstdc++,
#                                                         ncursesw, maxminddb, sqlite3 and their kin are loaded)
#   PREFIX/bin/tracemap-lab                               the path simulator `tracemap demo` runs
#   PREFIX/share/man/man1/tracemap.1                      the man page (swift-argument-parser's generate-manual)
#   PREFIX/share/bash-completion/completions/tracemap     completions for bash, zsh and fish
#   PREFIX/share/zsh/site-functions/_tracemap            (under /usr: share/zsh/vendor-completions)
#   PREFIX/share/fish/vendor_completions.d/tracemap.fish
#   PREFIX/share/tracemap/dbip-city-lite.mmdb             the GeoIP database, readable by every user
#
# and grants the binary cap_net_raw with setcap, so every user traces without sudo.
#
#   scripts/install.sh [--prefix DIR] [--no-setcap] [--no-geoip] [--geoip FILE] [--binary FILE] [--destdir DIR]
#
#   --prefix DIR    where to install (default /usr/local)
#   --no-setcap     do not grant cap_net_raw (tracemap then traces with ping/UDP sockets, or under sudo)
#   --no-geoip      install no GeoIP database
#   --geoip FILE    install this .mmdb instead of downloading DB-IP City Lite (scripts/install-geoip.sh)
#   --binary FILE   install this binary (and the tracemap-lab beside it) instead of building (package-deb.sh, tests)
#   --destdir DIR   stage the files under DIR (packaging); implies --no-setcap
#
# Needs root for a system prefix. Files are installed world-readable whatever the umask.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/usr/local
setcap=1
geoip=download
binary=""
destdir=""
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --prefix) prefix="${2:?--prefix needs a directory}"; shift ;;
        --prefix=*) prefix="${1#*=}" ;;
        --no-setcap) setcap=0 ;;
        --no-geoip) geoip=none ;;
        --geoip) geoip="${2:?--geoip needs a file}"; shift ;;
        --binary) binary="${2:?--binary needs a file}"; shift ;;
        --destdir) destdir="${2:?--destdir needs a directory}"; setcap=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done
[[ "$prefix" == /* ]] || prefix="$(pwd)/$prefix"
root="$destdir$prefix"

if [[ -z "$binary" ]]; then
    # What the build links against (Debian 12), and setcap; the rest of scripts/setup.sh is for the tests.
    missing=()
    for package in libncursesw5-dev libmaxminddb-dev libcap2-bin python3-pip; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        if [[ $(id -u) -eq 0 ]]; then
            echo "installing ${missing[*]}…"
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null \
                || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
                     install -y -qq "${missing[@]}" >/dev/null; }
        else
            echo "install.sh: missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
            exit 1
        fi
    fi
    # --static-swift-stdlib links the Swift runtime and Foundation in and keeps glibc shared. -static-executable
    # starts 6 MB leaner but links glibc statically: getaddrinfo (host names) and getpwnam then dlopen the NSS
    # modules of this very glibc at run time, which breaks on any other glibc (README "Install" has the figures).
    echo "building release binaries (swift build -c release --static-swift-stdlib)…"
    swift build -c release --static-swift-stdlib --product tracemap
    swift build -c release --static-swift-stdlib --product tracemap-lab
    binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/tracemap"
fi
[[ -x "$binary" ]] || { echo "install.sh: no executable at $binary" >&2; exit 1; }
# `tracemap demo` runs the path simulator, `tracemap-lab sim`, from tracemap's own directory.
lab="$(dirname "$binary")/tracemap-lab"
if ldd "$binary" 2>/dev/null | grep -q 'libswiftCore\|/swift'; then
    echo "install.sh: $binary needs the Swift toolchain's libraries; build it with --static-swift-stdlib" >&2
    exit 1
fi

# Debian's zsh reads /usr/local/share/zsh/site-functions, and for packages /usr/share/zsh/vendor-completions.
zsh_directory="$root/share/zsh/site-functions"
[[ "$prefix" != /usr ]] || zsh_directory="$root/share/zsh/vendor-completions"
install -d -m 0755 "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
    "$zsh_directory" "$root/share/fish/vendor_completions.d" "$root/share/tracemap"
install -m 0755 "$binary" "$root/bin/tracemap.partial"
# Symbols are two fifths of the file (109 MB → 68 MB); resident memory is the same either way.
if command -v strip >/dev/null; then strip "$root/bin/tracemap.partial"; fi
mv -f "$root/bin/tracemap.partial" "$root/bin/tracemap"
echo "installed $prefix/bin/tracemap ($(du -h "$root/bin/tracemap" | cut -f1))"
if [[ -x "$lab" ]]; then
    install -m 0755 "$lab" "$root/bin/tracemap-lab.partial"
    if command -v strip >/dev/null; then strip "$root/bin/tracemap-lab.partial"; fi
    mv -f "$root/bin/tracemap-lab.partial" "$root/bin/tracemap-lab"
    echo "installed $prefix/bin/tracemap-lab ($(du -h "$root/bin/tracemap-lab" | cut -f1)), the simulator \`tracemap demo\` runs"
else
    echo "install.sh: no tracemap-lab beside $binary: \`tracemap demo\` will not run" >&2
fi

# Completions come from swift-argument-parser itself, so they always match the binary's options.
"$root/bin/tracemap" --generate-completion-script bash > "$root/share/bash-completion/completions/tracemap"
"$root/bin/tracemap" --generate-completion-script zsh > "$zsh_directory/_tracemap"
"$root/bin/tracemap" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/tracemap.fish"
chmod 0644 "$root"/share/bash-completion/completions/tracemap "$zsh_directory/_tracemap" \
    "$root"/share/fish/vendor_completions.d/tracemap.fish
echo "installed completions for bash, zsh and fish"

scripts/make-manual.sh "$root/bin/tracemap" "$root/share/man/man1"
chmod 0644 "$root/share/man/man1/tracemap.1"
echo "installed $prefix/share/man/man1/tracemap.1 (man tracemap)"

database="$root/share/tracemap/dbip-city-lite.mmdb"
case "$geoip" in
    none) echo "no GeoIP database installed (--no-geoip): traces show no locations" ;;
    download)
        # An existing copy (the user's, from scripts/setup.sh) saves the download.
        user_copy="${XDG_DATA_HOME:-$HOME/.local/share}/tracemap/dbip-city-lite.mmdb"
        if [[ -s "$user_copy" && ! -s "$database" ]]; then
            scripts/install-geoip.sh --from "$user_copy" "$database"
        else
            scripts/install-geoip.sh "$database" \
                || echo "install.sh: GeoIP database not installed (tracing works without locations)" >&2
        fi ;;
    *) scripts/install-geoip.sh --force --from "$geoip" "$database" ;;
esac

if [[ $setcap -eq 1 ]]; then
    echo "granting cap_net_raw to $prefix/bin/tracemap (setcap cap_net_raw+ep): every user can trace with raw"
    echo "sockets without sudo; tracemap drops the capability once its sockets are open (--no-setcap skips this)"
    if ! command -v setcap >/dev/null; then
        echo "install.sh: setcap not found (Debian: apt-get install libcap2-bin); cap_net_raw not granted" >&2
    elif ! setcap cap_net_raw+ep "$root/bin/tracemap"; then
        echo "install.sh: setcap failed (not root, or a file system without capabilities); run tracemap with sudo" >&2
    fi
fi

case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on PATH" ;;
esac
echo "done: try \`tracemap doctor\`, \`man tracemap\`, or \`sudo tracemap demo\`"
