#!/bin/bash
# Fetches Debian packages of dynamically linked programs (glibc, musl, coreutils, python3.11,
# redis-server and redis-tools, nginx)
# for one architecture (by name, from the configured mirror) into a cache and prints the path
# of the root file system tree made from them; reused when already there.
# Usage: fetch-dynroot.sh ARCH [CACHE]   ARCH: amd64 or arm64 (Debian names);
#        CACHE defaults to /var/cache/nabla/dynroot-ARCH.
# The host's apt/dpkg state is never touched: own lists and cache directories, as
# fetch-busybox.sh does. Fails loudly when nothing can be fetched.
set -euo pipefail
arch=${1:?usage: fetch-dynroot.sh amd64|arm64 [CACHE]}
case $arch in amd64|arm64) ;; *) echo "fetch-dynroot.sh: ARCH must be amd64 or arm64, not $arch" >&2; exit 2 ;; esac
cache=${2:-/var/cache/nabla/dynroot-$arch}
# The packages, with what their programs load (DT_NEEDED of coreutils, python3.11 and the
# extension modules the tests import, redis-server, redis-cli, redis-benchmark and nginx;
# dash, whose simple commands run through vfork: spawn_test.go);
# not the whole Depends closure (perl, dpkg, ...).
pkgs="libc6 libgcc-s1 musl coreutils libacl1 libattr1 libgmp10 libpcre2-8-0 libselinux1 libssl3
      python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libexpat1 zlib1g libffi8
      libsqlite3-0 libbz2-1.0 liblzma5 libuuid1 libcrypt1 media-types
      redis-server redis-tools libatomic1 libjemalloc2 liblzf1 libsystemd0 libcap2 libgcrypt20
      libgpg-error0 liblz4-1 libzstd1 libstdc++6 nginx nginx-common dash"
want=$(echo $pkgs)
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
# One fetch at a time per cache (test binaries of several checkouts share it).
exec 9>"$cache.lock"
flock 9
if [[ -d $cache/tree/usr/bin && $(cat "$cache/packages" 2>/dev/null) == "$want" ]]; then
    echo "$cache/tree"
    exit 0
fi
for t in apt-get dpkg-deb; do
    command -v "$t" >/dev/null || { echo "fetch-dynroot.sh: missing tool: $t" >&2; exit 1; }
done
o=(-oAPT::Architecture="$arch" -oAPT::Architectures="$arch" -oDir::State::Lists="$cache/lists"
   -oDir::Cache="$cache/apt" -oAPT::Sandbox::User=root -qq)
mkdir -p "$cache/lists/partial" "$cache/apt/archives/partial"
rm -rf "$cache/debs" "$cache/tree.tmp"
mkdir -p "$cache/debs" "$cache/tree.tmp"
apt-get "${o[@]}" update || { echo "fetch-dynroot.sh: apt-get update failed (no network or mirror?)" >&2; exit 1; }
(cd "$cache/debs" && apt-get "${o[@]}" download $pkgs) ||
    { echo "fetch-dynroot.sh: apt-get download ($arch) failed" >&2; exit 1; }
for d in "$cache"/debs/*.deb; do dpkg-deb -x "$d" "$cache/tree.tmp"; done
t=$cache/tree.tmp
# What no test reads: documentation, translations, Python's own test suite and tools.
rm -rf "$t"/usr/share/{doc,man,info,locale,lintian} "$t"/usr/lib/python3.11/{test,idlelib,tkinter,turtledemo,ensurepip,lib2to3,pydoc_data} \
    "$t"/usr/lib/*-linux-gnu/gconv
# Debian's usrmerge links (the packages ship files under /lib and /usr/lib both).
for d in bin sbin lib lib64; do
    [[ -e $t/$d || $d != lib64 ]] || continue
    mkdir -p "$t/usr/$d"
    if [[ -d $t/$d && ! -L $t/$d ]]; then cp -a "$t/$d/." "$t/usr/$d/" && rm -rf "$t/${d:?}"; fi
    ln -sfn "usr/$d" "$t/$d"
done
ln -sf python3.11 "$t/usr/bin/python3"
mkdir -p "$t"/{etc,tmp,root,proc,dev}
chmod 1777 "$t/tmp"
[[ -x $t/usr/bin/python3.11 && -x $t/usr/bin/ls ]] || { echo "fetch-dynroot.sh: the packages lack python3.11 or ls" >&2; exit 1; }
rm -rf "$cache/tree" "$cache/debs"
mv "$t" "$cache/tree"
echo "$want" > "$cache/packages"
echo "$cache/tree"
