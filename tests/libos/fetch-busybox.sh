#!/bin/bash
# Fetches Debian's busybox-static for one architecture (by name, from the configured mirror)
# into a cache and prints the path of its /bin/busybox; reused when already there.
# Usage: fetch-busybox.sh ARCH [CACHE]   ARCH: amd64 or arm64 (Debian names);
#        CACHE defaults to /var/cache/nabla/busybox-ARCH.
# The host's apt/dpkg state is never touched: own lists and cache directories, as
# tests/vm/fetch.sh does (machine-facts.md §5). Fails loudly when nothing can be fetched.
set -euo pipefail
arch=${1:?usage: fetch-busybox.sh amd64|arm64 [CACHE]}
case $arch in amd64|arm64) ;; *) echo "fetch-busybox.sh: ARCH must be amd64 or arm64, not $arch" >&2; exit 2 ;; esac
cache=${2:-/var/cache/nabla/busybox-$arch}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
if [[ -x $cache/busybox && -s $cache/version ]]; then
    echo "$cache/busybox"
    exit 0
fi
for t in apt-get dpkg-deb; do
    command -v "$t" >/dev/null || { echo "fetch-busybox.sh: missing tool: $t" >&2; exit 1; }
done
o=(-oAPT::Architecture="$arch" -oAPT::Architectures="$arch" -oDir::State::Lists="$cache/lists"
   -oDir::Cache="$cache/apt" -oAPT::Sandbox::User=root -qq)
mkdir -p "$cache/lists/partial" "$cache/apt/archives/partial"
rm -rf "$cache/debs" "$cache/x"
mkdir -p "$cache/debs" "$cache/x"
apt-get "${o[@]}" update || { echo "fetch-busybox.sh: apt-get update failed (no network or mirror?)" >&2; exit 1; }
(cd "$cache/debs" && apt-get "${o[@]}" download busybox-static) ||
    { echo "fetch-busybox.sh: apt-get download busybox-static ($arch) failed" >&2; exit 1; }
deb=$(ls "$cache"/debs/busybox-static_*.deb)
dpkg-deb -x "$deb" "$cache/x"
[[ -x $cache/x/bin/busybox ]] || { echo "fetch-busybox.sh: $deb has no /bin/busybox" >&2; exit 1; }
cp "$cache/x/bin/busybox" "$cache/busybox.tmp"
mv "$cache/busybox.tmp" "$cache/busybox"
basename "$deb" > "$cache/version"
rm -rf "$cache/x" "$cache/debs"
echo "$cache/busybox"
