#!/bin/sh
# /init of the aarch64 test VM: runs every test binary, prints result lines, powers off.
# Layout (made by tests/vm/run.sh): /nabla/unit.list lines "PKGDIR BINARY", /nabla/e2e.test,
# /nabla/src: a mirror of the repository (package dirs, bin/arm64, guest/build, guest/tests).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm /dev/net
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts # runnc's terminals
[ -c /dev/ptmx ] || ln -sf pts/ptmx /dev/ptmx
# The links udev (and Docker) make in /dev: tests/libos compares the libOS's with them.
for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
    [ -e "/dev/${l%%:*}" ] || ln -s "${l#*:}" "/dev/${l%%:*}"
done
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
[ -e /dev/net/tun ] || mknod /dev/net/tun c 10 200
for m in $(cat /nabla/modules.order); do
    insmod "/lib/modules/$m" || echo "NABLA-VM: insmod $m failed"
done
ip link set lo up

# What the VM lacks, told to the tests (they must not guess): no C toolchain, no go.
export NABLA_VM=1 NABLA_NO_CC=1 NABLA_REQUIRE_TOOLS=0 HOME=/tmp TMPDIR=/tmp NABLA_E2E_TIMEOUT_SCALE=4
export NABLA_BIN=/nabla/src/bin/arm64 NABLA_GUEST_DIR=/nabla/src/guest/build
export NABLA_TESTS_DIR=/nabla/src/guest/tests NABLA_OCI_SCHEMA=/nabla/oci-schema
export NABLA_LIBOS_APPS=/nabla/libos/apps NABLA_LIBOS_DIR=/nabla/libos/build NABLA_SPT=/nabla/src/bin/arm64/nabla-spt
echo "NABLA-VM: booted $(uname -m) $(uname -r), kvm: $(ls /dev/kvm 2>&1)"

pass=0
fail=0
run() { # NAME DIR BINARY ARGS...
    name=$1 dir=$2 bin=$3
    shift 3
    echo "NABLA-VM: running $name"
    (cd "$dir" && "$bin" "$@")
    rc=$?
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1)); echo "NABLA-VM-TEST $name PASS"
    else
        fail=$((fail + 1)); echo "NABLA-VM-TEST $name FAIL rc=$rc"
    fi
}
args=$(cat /nabla/test.args 2>/dev/null) # NABLA_VM_TESTARGS of run.sh
while read -r dir bin; do
    [ -n "$dir" ] || continue
    # 20 minutes: tests/libos (files, sockets, signals) under ARMv8.0 emulation on a loaded
    # two-core machine has taken 10; a hang still ends well inside the VM's own limit.
    run "$dir" "/nabla/src/$dir" "/nabla/$bin" -test.v -test.timeout=1200s $args
done < /nabla/unit.list
if [ -e /nabla/e2e.skip ]; then
    echo "NABLA-VM: tests/e2e not run (NABLA_VM_ONLY)"
elif [ -x /nabla/e2e.test ]; then
    run tests/e2e /nabla/src/tests/e2e /nabla/e2e.test -test.v -test.timeout=900s $args
else
    fail=$((fail + 1)); echo "NABLA-VM-TEST tests/e2e FAIL missing"
fi
echo "NABLA-VM-RESULT pass=$pass fail=$fail"
sync
poweroff -f
