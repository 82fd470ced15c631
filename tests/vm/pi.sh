#!/bin/bash
# Emulated Raspberry Pi 3 run: the VM tests' Debian arm64 kernel on qemu's raspi3b board (Pi 3
# device tree, Cortex-A53 = ARMv8.0, 1 GiB, 4 cores, no KVM), running docs/raspberry-pi.md's
# steps from the arm64 tarball (make dist-arm64): tools check, hello, seccomp, nabla run/bake.
# Env: NABLA_CACHE, NABLA_VM_TIMEOUT (s), NABLA_PI_LOG. Prints NABLA-VM-SUMMARY pass= fail=.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${NABLA_CACHE:-/var/cache/nabla}
timeout_s=${NABLA_VM_TIMEOUT:-900}
log=${NABLA_PI_LOG:-/tmp/nabla-vm-pi3.log}
work=$(mktemp -d /tmp/nabla-pi.XXXXXX)
trap 'rm -rf "$work"' EXIT

die() { echo "vm/pi.sh: $*" >&2; echo "NABLA-VM-SUMMARY pass=0 fail=1"; exit 1; }
for t in qemu-system-aarch64 cpio gzip go timeout; do
    command -v "$t" >/dev/null || die "missing tool: $t"
done
"$here/fetch.sh" "$cache" || die "kernel/busybox fetch failed"
cd "$repo" || die "no repo"
make -s dist-arm64 || die "make dist-arm64 failed"

root=$work/root
mkdir -p "$root"/{bin,proc,sys,dev,tmp,lib/modules,usr/local,nabla/apps}
cp "$cache/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$cache/ld-linux-aarch64.so.1" "$root/lib/" # PT_INTERP of the Go PIE apps, run natively to compare
cp "$cache/pi/bcm2835_wdt.ko" "$root/lib/modules/"
mknod "$root/dev/console" c 5 1
install -m 0755 "$here/pi-init.sh" "$root/init"
cp build/nabla-arm64.tar.gz "$root/nabla/"
# The guide's app build: static Go, arm64, PIE (the libOS sits where Go's default arm64
# link address is; bake applies the PIE's relocations).
for a in go-goroutines go-time go-random; do
    (cd tests/libos/apps/$a && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -buildmode=pie -o "$root/nabla/apps/$a" main.go) ||
        die "building $a failed"
done
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.cpio.gz" || die "initramfs build failed"
echo "vm/pi.sh: initramfs $(du -h "$work/initramfs.cpio.gz" | cut -f1), booting raspi3b (timeout ${timeout_s}s)" >&2

start=$(date +%s)
# raspi3b fixes the board: Cortex-A53 x4, 1 GiB. The PL011 is ttyAMA0 on this device tree.
timeout -k 10 "$timeout_s" qemu-system-aarch64 -M raspi3b -m 1G -smp 4 -nographic -no-reboot \
    -dtb "$cache/pi/bcm2837-rpi-3-b.dtb" -kernel "$cache/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyAMA0 rdinit=/init quiet panic=-1" </dev/null 2>&1 | tee "$log"
qrc=${PIPESTATUS[0]}
echo "vm/pi.sh: qemu ran $(($(date +%s) - start)) s" >&2

marker=$(tr -d '\r' < "$log" | grep -E '^NABLA-PI-RESULT pass=[0-9]+ fail=[0-9]+$' | tail -1)
if [[ -z $marker ]]; then
    echo "vm/pi.sh: no result marker (the Pi did not boot, hung or crashed; qemu rc=$qrc); log: $log" >&2
    echo "NABLA-VM-SUMMARY pass=0 fail=1"
    exit 1
fi
pass=$(sed 's/.*pass=\([0-9]*\).*/\1/' <<<"$marker")
fail=$(sed 's/.*fail=\([0-9]*\).*/\1/' <<<"$marker")
echo "NABLA-VM-SUMMARY pass=$pass fail=$fail"
[[ $fail -eq 0 ]]
