#!/bin/sh
# pi-check.sh: can this machine (a Raspberry Pi or other ARM board) run nabla? One line per problem.
# Exit 0 when it can run nabla-spt guests; 1 with a one-line reason when it cannot.
# Plain POSIX sh: on a 32-bit OS our arm64 binaries cannot even start, so this script says why.
# For the tests: PI_CHECK_MACHINE stands in for `uname -m` (busybox sh runs its own uname
# applet, whatever PATH says) and PI_CHECK_PROC (default /proc) for a made-up /proc.
proc=${PI_CHECK_PROC:-/proc}
fail() { echo "pi-check: $*" >&2; exit 1; }

m=${PI_CHECK_MACHINE:-$(uname -m)}
case $m in
aarch64 | arm64) ;;
armv6l | armv7l | armv8l | arm*)
    fail "this is a 32-bit ARM OS (uname -m: $m); nabla's binaries are arm64 only: install a 64-bit OS (Raspberry Pi OS 64-bit or Debian arm64)" ;;
*)
    fail "machine $m is not arm64: copy the x86_64 build (bin/) here instead, or run this on the Pi" ;;
esac

# A 64-bit kernel under a 32-bit userland (arm_64bit=1 on a 32-bit Raspberry Pi OS) runs our
# static tools, but its Docker/containerd are armhf: say so, it is a common surprise.
if [ "$(getconf LONG_BIT 2>/dev/null)" = 32 ]; then
    echo "pi-check: note: 64-bit kernel with a 32-bit userland; the nabla tools run, but install a 64-bit OS for Docker/containerd" >&2
fi

grep -q '^Seccomp:' "$proc/self/status" 2>/dev/null ||
    fail "this kernel has no seccomp (no Seccomp: line in $proc/self/status; CONFIG_SECCOMP is off): nabla-spt needs seccomp filters"
# The kernel's configuration, where it is published (Raspberry Pi OS: /proc/config.gz;
# Debian: /boot/config-*), must have filters; seccomp(2) itself is probed by nabla-spt.
conf=
[ -r "$proc/config.gz" ] && conf=$(gzip -dc "$proc/config.gz" 2>/dev/null)
[ -z "$conf" ] && [ -r "/boot/config-$(uname -r)" ] && conf=$(cat "/boot/config-$(uname -r)")
if [ -n "$conf" ] && ! printf '%s\n' "$conf" | grep -q '^CONFIG_SECCOMP_FILTER=y'; then
    fail "this kernel has seccomp but no seccomp filters (CONFIG_SECCOMP_FILTER is off): nabla-spt needs them"
fi

mem=$(awk '/^MemTotal:/ {print int($2 / 1024)}' "$proc/meminfo" 2>/dev/null)
kvm="no /dev/kvm: nabla-hvt cannot run here (kernel without KVM, or not entered at EL2); use nabla-spt"
[ -c /dev/kvm ] && kvm="/dev/kvm present: nabla-hvt can run too"
echo "pi-check: ok: $m, $(uname -r), seccomp filters, ${mem:-?} MiB; $kvm"
