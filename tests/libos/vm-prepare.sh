#!/bin/bash
# Prepares tests/libos for the aarch64 VM, which has no compilers: arm64 builds of the apps
# (Go as -buildmode=pie, C with musl), dynamic C programs and Debian's arm64 busybox-static in DEST/apps,
# a Debian arm64 tree of dynamic programs in DEST/dynroot, and the aarch64 libOS image in
# DEST/build/aarch64/libos.spt. In the VM, run the test binary with
#   NABLA_LIBOS_APPS=DEST/apps NABLA_LIBOS_DIR=DEST/build NABLA_SPT=<arm64 nabla-spt>
# Usage: vm-prepare.sh DEST [CACHE]   (CACHE keeps the musl arm64 package; default
# /var/cache/nabla/musl-arm64). Needs go, aarch64-linux-gnu-gcc, apt-get, dpkg-deb.
set -euo pipefail
dest=${1:?usage: vm-prepare.sh DEST [CACHE]}
cache=${2:-/var/cache/nabla/musl-arm64}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mkdir -p "$dest/apps" "$dest/build/aarch64" "$cache"
dest=$(cd "$dest" && pwd)
cache=$(cd "$cache" && pwd)

# musl for arm64 without touching the host's dpkg state: own apt lists and cache.
if [[ ! -f $cache/x/usr/lib/aarch64-linux-musl/libc.a ]]; then
    o=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64 -oDir::State::Lists="$cache/lists"
       -oDir::Cache="$cache/apt" -oAPT::Sandbox::User=root -qq)
    mkdir -p "$cache/lists/partial" "$cache/apt/archives/partial" "$cache/debs" "$cache/x"
    apt-get "${o[@]}" update
    (cd "$cache/debs" && apt-get "${o[@]}" download musl-dev musl)
    for d in "$cache"/debs/*.deb; do dpkg-deb -x "$d" "$cache/x"; done
fi
sed "s#/usr/include/aarch64-linux-musl#$cache/x/usr/include/aarch64-linux-musl#g; s#/usr/lib/aarch64-linux-musl#$cache/x/usr/lib/aarch64-linux-musl#g" \
    "$cache/x/usr/lib/aarch64-linux-musl/musl-gcc.specs" > "$cache/musl.specs"

for d in "$here"/apps/*/; do
    name=$(basename "$d")
    if [[ -f $d/main.go ]]; then
        (cd "$d" && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -buildmode=pie -o "$dest/apps/$name" main.go)
    else
        aarch64-linux-gnu-gcc -specs="$cache/musl.specs" -static -O2 -o "$dest/apps/$name" "$d/main.c" -lpthread
    fi
done

# The dynamically linked C program (dyn_test.go), against glibc (the cross toolchain's,
# the same release as Debian's libc6:arm64) and musl, and the Debian arm64 tree they and
# coreutils/python3 run on (fetch-dynroot.sh), beside the apps.
aarch64-linux-gnu-gcc -O2 -o "$dest/apps/dyn-hello-glibc" "$here/dyn/hello.c" -lpthread -ldl
aarch64-linux-gnu-gcc -specs="$cache/musl.specs" -O2 -o "$dest/apps/dyn-hello-musl" "$here/dyn/hello.c" -lpthread
# Child processes (spawn_test.go): posix_spawn and vfork under glibc and musl.
aarch64-linux-gnu-gcc -O2 -o "$dest/apps/dyn-spawn-glibc" "$here/dyn/spawn.c" -lpthread
aarch64-linux-gnu-gcc -specs="$cache/musl.specs" -O2 -o "$dest/apps/dyn-spawn-musl" "$here/dyn/spawn.c" -lpthread
# glibc's getaddrinfo (dns_test.go TestGlibcResolver): musl-resolve's source, dynamic glibc.
aarch64-linux-gnu-gcc -O2 -o "$dest/apps/glibc-resolve" "$here/apps/musl-resolve/main.c"
dyn=$("$here/fetch-dynroot.sh" arm64)
rm -rf "$dest/dynroot"
cp -a "$dyn" "$dest/dynroot"

# Debian's busybox-static for arm64 (the file tests run its applets on their rootfs).
bb=$("$here/fetch-busybox.sh" arm64)
cp "$bb" "$dest/apps/busybox"

make -s -C "$repo/guest/libos" ARCH=aarch64 NABLA="$repo/bin/nabla"
cp "$repo/guest/libos/build/aarch64/libos.spt" "$dest/build/aarch64/"
echo "vm-prepare.sh: $(ls "$dest/apps" | wc -l) apps and the libOS image in $dest" >&2
