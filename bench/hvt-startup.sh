#!/bin/bash
# Start-up (hello, median of 20) and hypercall round-trip (100,000 one-byte puts) figures
# for nabla-hvt beside nabla-spt: on this host (x86_64 here is PVM, labelled so) and on
# aarch64 inside the nested-KVM qemu VM of tests/vm (its cached kernel and busybox).
# Figures only, nothing asserted. Env: NABLA_CACHE (as tests/vm), NABLA_BENCH_ARGS
# (extra nabla-bench flags, e.g. "-n 5 -puts 10000"), NABLA_BENCH_VM=0 skips the VM.
# Needs `make` first (bin/, bin/arm64/, guest/build/{x86_64,aarch64}).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${NABLA_CACHE:-/var/cache/nabla}
cd "$repo" || exit 1
export CGO_ENABLED=0 GOFLAGS=${GOFLAGS:--buildvcs=false}
args=${NABLA_BENCH_ARGS:-}

harch=$(uname -m)
label=$harch
if [[ -e /sys/module/kvm_pvm ]] || { [[ $harch == x86_64 ]] && ! grep -qwE 'vmx|svm' /proc/cpuinfo; }; then
    label="$harch-PVM(emulated-kernel-mode)"
fi
echo "== host: $label"
# shellcheck disable=SC2086
go run ./bench/nabla-bench -bin bin -guests "guest/build/$harch" -label "$label" $args

[[ ${NABLA_BENCH_VM:-1} == 0 ]] && exit 0
echo "== aarch64 VM"
"$repo/tests/vm/fetch.sh" "$cache" || { echo "bench: kernel/busybox fetch failed" >&2; exit 1; }
work=$(mktemp -d /tmp/nabla-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,lib,nabla/bin,nabla/guests}
cp "$cache/busybox" "$root/bin/busybox"
cp "$cache/ld-linux-aarch64.so.1" "$root/lib/"
ln -s busybox "$root/bin/sh"
mknod "$root/dev/console" c 5 1
install -m 0755 "$here/vm-init.sh" "$root/init"
cp bin/arm64/nabla-spt bin/arm64/nabla-hvt "$root/nabla/bin/" || exit 1
cp guest/build/aarch64/test_{hello,puts}.{spt,hvt} "$root/nabla/guests/" || exit 1
GOARCH=arm64 go build -o "$root/nabla/nabla-bench" ./bench/nabla-bench || exit 1
echo "$args" > "$root/nabla/bench.args"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.cpio.gz" || exit 1
timeout -k 10 "${NABLA_VM_TIMEOUT:-1500}" qemu-system-aarch64 -M virt,virtualization=on \
    -cpu max,pauth-impdef=on -m 2048 -smp 2 -nographic -no-reboot -nic none \
    -kernel "$cache/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyAMA0 rdinit=/init quiet panic=-1" </dev/null 2>&1 |
    tr -d '\r' | grep -E '^(NABLA-BENCH|BENCH)'
