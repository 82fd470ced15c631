#!/bin/bash
# fetch-lwip.sh: fetches Debian's lwip source package by name into a cache, checks it against
# its .dsc and extracts it: fetch-lwip.sh DEST  -> DEST/src (the lwIP tree), reused when present.
# Cache: $NABLA_LWIP_CACHE (default /var/cache/nabla/lwip); once filled, no network is needed.
set -euo pipefail
dest=${1:?usage: fetch-lwip.sh DEST}
cache=${NABLA_LWIP_CACHE:-/var/cache/nabla/lwip}
ver=2.1.3+dfsg1-2 # bookworm's
dsc=lwip_$ver.dsc

if [[ -f $dest/.version && $(cat "$dest/.version") == "$ver" && -d $dest/src/src/core ]]; then
    exit 0
fi
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

if [[ ! -f $cache/src/$dsc ]]; then
    # A private apt state (own sources with a deb-src line, lists and cache dirs) so the
    # host's apt configuration and dpkg state are never touched.
    mkdir -p "$cache/lists/partial" "$cache/apt/archives/partial" "$cache/src.tmp"
    printf 'deb-src http://deb.debian.org/debian bookworm main\n' > "$cache/sources.list"
    o=(-oDir::Etc::SourceList="$cache/sources.list" -oDir::Etc::SourceParts=/dev/null
       -oDir::State::Lists="$cache/lists" -oDir::Cache="$cache/apt"
       -oAPT::Sandbox::User=root -qq)
    apt-get "${o[@]}" update
    # apt checks the files against the .dsc's checksums (and the .dsc against the signed
    # Sources index) as it downloads.
    (cd "$cache/src.tmp" && apt-get "${o[@]}" source --download-only "lwip=$ver")
    rm -rf "$cache/src" && mv "$cache/src.tmp" "$cache/src"
fi

# Our own check of every file the .dsc lists (Checksums-Sha256), also for a cache filled
# earlier: a changed cache is an error, not a silent rebuild.
sums=$(awk '/^Checksums-Sha256:/ {s=1; next} /^[^ ]/ {s=0} s && NF==3 {print $1 "  " $3}' "$cache/src/$dsc")
[[ -n $sums ]] && (cd "$cache/src" && sha256sum --quiet -c - <<<"$sums") ||
    { echo "fetch-lwip.sh: $cache/src does not match $dsc" >&2; exit 1; }

rm -rf "$dest/src" "$dest/src.tmp"
mkdir -p "$dest"
dpkg-source --no-check -x "$cache/src/$dsc" "$dest/src.tmp" >/dev/null
mv "$dest/src.tmp" "$dest/src"
echo "$ver" > "$dest/.version"
