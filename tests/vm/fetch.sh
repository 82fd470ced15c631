#!/bin/bash
# Fetches Debian's arm64 kernel, tun/veth/tc/nftables modules, static busybox and nft into a cache (reused later).
# Usage: fetch.sh CACHE   -> CACHE/{vmlinuz,busybox,ld-linux-aarch64.so.1,modules/*.ko,modules.order,
#                                   nft/ (usr/sbin/nft and the libraries it links, a tree for the initramfs),
#                                   pi/ (the Raspberry Pi 3 device tree and watchdog module, for pi.sh)}
# The dynamic loader is there because Go's -buildmode=pie binaries (CGO_ENABLED=0, internal
# linker) still carry PT_INTERP /lib/ld-linux-aarch64.so.1 (no DT_NEEDED libraries).
set -euo pipefail
cache=${1:?usage: fetch.sh CACHE}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# Modules the tests need: tun (taps); veth and the tc pieces runnc joins eth0 and the
# tap with (ingress qdisc, u32/matchall filters, mirred redirect); nf_tables and its
# numgen expression for the loss test (ip family, filter chains, counters are in nf_tables).
# crc32c_generic first: nf_tables needs libcrc32c, whose init wants a "crc32c" hash (a
# softdep, which .modinfo names only as an alias and insmod does not follow).
mods="tun veth sch_ingress cls_u32 cls_matchall act_mirred crc32c_generic nf_tables nft_numgen"

# A complete earlier fetch (of the same module list) is reused as is: the VM run must not
# depend on the network.
if [[ -s $cache/vmlinuz && -s $cache/busybox && -s $cache/ld-linux-aarch64.so.1 &&
      -s $cache/modules.order && -x $cache/nft/usr/sbin/nft && $(cat "$cache/modules.wanted" 2>/dev/null) == "$mods" &&
      -s $cache/pi/bcm2837-rpi-3-b.dtb && -s $cache/pi/bcm2835_wdt.ko ]]; then
    exit 0
fi

# Own lists/cache dirs so the host's dpkg/apt state is never touched (machine-facts.md §5).
o=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64
   -oDir::State::Lists="$cache/lists" -oDir::Cache="$cache/apt"
   -oAPT::Sandbox::User=root -qq)
mkdir -p "$cache/lists/partial" "$cache/apt/archives/partial" "$cache/debs"
apt-get "${o[@]}" update

# The current kernel flavour is whatever the meta package depends on today.
kpkg=$(apt-cache "${o[@]}" depends linux-image-arm64 |
       awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[[ -n $kpkg ]] || { echo "fetch.sh: cannot resolve linux-image-arm64 dependency" >&2; exit 1; }
echo "fetch.sh: kernel package $kpkg" >&2

rm -rf "$cache/debs" "$cache/x"
mkdir -p "$cache/debs" "$cache/x"
# nftables with its whole Depends closure (libc6 among it): the VM has no package manager.
nftpkgs=$(apt-cache "${o[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
          --no-breaks --no-replaces --no-enhances nftables | grep -v '^ ' | sort -u)
(cd "$cache/debs" && apt-get "${o[@]}" download "$kpkg" busybox-static libc6 $nftpkgs)
for d in "$cache"/debs/*.deb; do dpkg-deb -x "$d" "$cache/x"; done

kver=${kpkg#linux-image-}
cp "$cache/x/boot/vmlinuz-$kver" "$cache/vmlinuz"
cp "$cache/x/bin/busybox" "$cache/busybox"
ld=$(find "$cache/x" -name 'ld-linux-aarch64.so.1' -type f | head -1)
[[ -n $ld ]] || { echo "fetch.sh: no ld-linux-aarch64.so.1 in libc6" >&2; exit 1; }
cp "$ld" "$cache/ld-linux-aarch64.so.1"

# nft and, transitively, every DT_NEEDED library it names, laid out as Debian does
# (the loader's default path has /lib/aarch64-linux-gnu).
rm -rf "$cache/nft"; mkdir -p "$cache/nft/usr/sbin" "$cache/nft/lib/aarch64-linux-gnu"
cp "$cache/x/usr/sbin/nft" "$cache/nft/usr/sbin/nft"
todo=$cache/nft/usr/sbin/nft
while [[ -n $todo ]]; do
    next=
    for f in $todo; do
        for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            [[ $n == ld-linux-aarch64.so.1 || -e $cache/nft/lib/aarch64-linux-gnu/$n ]] && continue
            l=$(find "$cache/x" -name "$n" \( -type f -o -type l \) | head -1)
            [[ -n $l ]] || { echo "fetch.sh: nft needs $n, not in the fetched packages" >&2; exit 1; }
            cp -L "$l" "$cache/nft/lib/aarch64-linux-gnu/$n"
            next="$next $cache/nft/lib/aarch64-linux-gnu/$n"
        done
    done
    todo=$next
done

# tun plus what it needs. The .deb ships no modules.dep (depmod runs at install time), so
# the "depends=" field of each module's .modinfo section is followed instead.
mdir=$cache/x/lib/modules/$kver
rm -rf "$cache/modules"; mkdir -p "$cache/modules"
: > "$cache/modules.order.tmp"
modfile() { # module name -> path of its file (dash and underscore are the same)
    local n=${1//-/_} f
    while read -r f; do
        local b=$(basename "$f"); b=${b%%.ko*}
        [[ ${b//-/_} == "$n" ]] && { echo "$f"; return; }
    done < <(find "$mdir/kernel" -name '*.ko*')
}
addmod() { # depth-first: dependencies are written to the order file first
    local name=$1 f base deps d
    grep -qx "${name//-/_}.ko" "$cache/modules.order.tmp" && return
    f=$(modfile "$name")
    [[ -n $f ]] || { echo "fetch.sh: module $name not found" >&2; exit 1; }
    base=$(basename "$f")
    case $base in
        *.ko.xz) xz -dc "$f" > "$cache/modules/$base.tmp" ;;
        *.ko.zst) zstd -dqc "$f" > "$cache/modules/$base.tmp" ;;
        *.ko.gz) gzip -dc "$f" > "$cache/modules/$base.tmp" ;;
        *) cp "$f" "$cache/modules/$base.tmp" ;;
    esac
    deps=$(grep -a -o 'depends=[^[:cntrl:]]*' "$cache/modules/$base.tmp" | head -1 | cut -d= -f2)
    for d in ${deps//,/ }; do addmod "$d"; done
    mv "$cache/modules/$base.tmp" "$cache/modules/${name//-/_}.ko"
    echo "${name//-/_}.ko" >> "$cache/modules.order.tmp"
}
for m in $mods; do
    if grep -qE "/${m}\.ko" "$mdir/modules.builtin"; then
        echo "fetch.sh: $m is built in" >&2
    else
        addmod "$m"
    fi
done
mv "$cache/modules.order.tmp" "$cache/modules.order"

# The same kernel on an emulated Raspberry Pi 3 (tests/vm/pi.sh): the board's device tree
# from the kernel package, and the watchdog driver, which is how a Pi powers off (it has
# no PSCI: without it poweroff halts and qemu never exits).
rm -rf "$cache/pi"; mkdir -p "$cache/pi"
cp "$cache/x/usr/lib/linux-image-$kver/broadcom/bcm2837-rpi-3-b.dtb" "$cache/pi/"
wdt=$(find "$mdir/kernel" -name 'bcm2835_wdt.ko*' | head -1)
[[ -n $wdt ]] || { echo "fetch.sh: no bcm2835_wdt module in $kpkg" >&2; exit 1; }
case $wdt in
    *.ko.xz) xz -dc "$wdt" > "$cache/pi/bcm2835_wdt.ko" ;;
    *.ko.zst) zstd -dqc "$wdt" > "$cache/pi/bcm2835_wdt.ko" ;;
    *) cp "$wdt" "$cache/pi/bcm2835_wdt.ko" ;;
esac
echo "$mods" > "$cache/modules.wanted"
echo "$kver" > "$cache/kernel.version"
rm -rf "$cache/x" "$cache/debs"
