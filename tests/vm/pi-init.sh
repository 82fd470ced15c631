#!/bin/sh
# /init of the emulated Raspberry Pi 3 (tests/vm/pi.sh): docs/raspberry-pi.md's steps, one result line each.
export PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin HOME=/tmp TMPDIR=/tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
# The watchdog driver is the Pi's power-off (no PSCI): without it qemu would not exit.
insmod /lib/modules/bcm2835_wdt.ko || echo "NABLA-PI: insmod bcm2835_wdt failed"
echo "NABLA-PI: booted $(uname -m) $(uname -r) in $(cut -d' ' -f1 /proc/uptime) s, $(grep -c ^processor /proc/cpuinfo) cpus, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB, kvm: $(ls /dev/kvm 2>&1)"
echo "NABLA-PI: $(grep -m1 '^CPU part' /proc/cpuinfo), $(grep -m1 '^Features' /proc/cpuinfo)"
dmesg | grep -iE 'kvm|CPU: All CPU|el2' | sed 's/^/NABLA-PI: dmesg: /' 

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "NABLA-PI-TEST $1 PASS"; }
bad() { fail=$((fail + 1)); echo "NABLA-PI-TEST $1 FAIL: $2"; }
# step NAME WANT-STATUS CMD...: runs CMD, output in /tmp/out, passes on that exit status.
step() {
    name=$1 want=$2
    shift 2
    echo "NABLA-PI: \$ $*"
    t0=$(cut -d' ' -f1 /proc/uptime)
    "$@" > /tmp/out 2>&1
    rc=$?
    sed 's/^/    /' /tmp/out
    echo "NABLA-PI: $name: status $rc in $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN {print b - a}') s"
    if [ $rc -eq "$want" ]; then ok "$name"; else bad "$name" "status $rc, want $want"; fi
}
has() { # NAME TEXT: the last step's output contains TEXT
    if grep -qF -- "$2" /tmp/out; then ok "$1"; else bad "$1" "no '$2' in the output"; fi
}

# The CPU is the Pi 3's: ARMv8.0, none of the later features our tests' -cpu max has.
feat=$(grep -m1 '^Features' /proc/cpuinfo)
case " $feat " in
*" atomics "* | *" paca "* | *" pacg "* | *" rng "* | *" lrcpc "*) bad cpu-armv8.0 "$feat" ;;
*) ok cpu-armv8.0 ;;
esac

# Install from the tarball, after the check script.
mkdir -p /tmp/dist && tar -xzf /nabla/nabla-arm64.tar.gz -C /tmp/dist
step pi-check 0 sh /tmp/dist/share/nabla/pi-check.sh
if [ -c /dev/kvm ]; then has pi-check-kvm "nabla-hvt can run too"; else has pi-check-kvm "nabla-hvt cannot run here"; fi
step pi-check-32bit 1 env PI_CHECK_MACHINE=armv7l sh /tmp/dist/share/nabla/pi-check.sh
has pi-check-32bit-says "32-bit ARM OS"
step install 0 tar -xzf /nabla/nabla-arm64.tar.gz -C /usr/local
step version 0 nabla-spt --version

step hello 0 nabla-spt --mem=2 /usr/local/share/nabla/test_hello.spt Hello_from_a_Pi
has hello-output "Command line is: 'Hello_from_a_Pi'"
# A call outside the filter kills the guest (SIGSYS: 128 + 31).
step seccomp 159 nabla-spt --mem=2 /usr/local/share/nabla/test_seccomp.spt
# hvt needs /dev/kvm: qemu's raspi3b enters the kernel at EL2, as the Pi firmware does, and
# KVM then works without a GIC (the BCM2837 has none; hvt guests take no interrupts).
if [ -c /dev/kvm ]; then
    step hvt-hello 0 nabla-hvt --mem=2 /usr/local/share/nabla/test_hello.hvt Hello_from_a_Pi
    has hvt-hello-output "Command line is: 'Hello_from_a_Pi'"
else
    step hvt-refused 1 nabla-hvt --mem=2 /usr/local/share/nabla/test_hello.hvt
    has hvt-says-kvm "/dev/kvm"
fi

# Static Go programs, as unikernels on the libOS, against their native runs.
for a in go-goroutines go-time; do
    /nabla/apps/$a > /tmp/native 2>&1
    step "run-$a" 0 nabla run /nabla/apps/$a
    if cmp -s /tmp/native /tmp/out; then ok "$a-same-as-native"; else bad "$a-same-as-native" "$(cat /tmp/native)"; fi
done
step bake 0 nabla bake /nabla/apps/go-goroutines -o /tmp/goroutines.spt
step run-baked 0 nabla-spt --mem=256 /tmp/goroutines.spt --solo5:quiet
/nabla/apps/go-goroutines > /tmp/native 2>&1
if cmp -s /tmp/native /tmp/out; then ok baked-same-as-native; else bad baked-same-as-native "differs"; fi

# getrandom: keyed by the tender's host seed (the Cortex-A53 has no RNDR), never by clocks.
step random-1 0 nabla run /nabla/apps/go-random
cp /tmp/out /tmp/random1
step random-2 0 nabla run /nabla/apps/go-random
has random-reads-differ "two reads differ: true nonzero: true"
if grep -q clocks /tmp/random1 /tmp/out; then bad random-host-seeded "$(grep clocks /tmp/out)"; else ok random-host-seeded; fi
s1=$(grep sample: /tmp/random1) s2=$(grep sample: /tmp/out)
if [ -n "$s1" ] && [ "$s1" != "$s2" ]; then ok random-differs-per-run; else bad random-differs-per-run "'$s1' vs '$s2'"; fi

echo "NABLA-PI: done in $(cut -d' ' -f1 /proc/uptime) s"
echo "NABLA-PI-RESULT pass=$pass fail=$fail"
sync
poweroff -f
