#!/bin/sh
# /init of the aarch64 bench VM (bench/hvt-startup.sh): runs nabla-bench, powers off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
echo "NABLA-BENCH: booted $(uname -m) $(uname -r), kvm: $(ls /dev/kvm 2>&1)"
/nabla/nabla-bench -bin /nabla/bin -guests /nabla/guests -label "aarch64-VM(nested-KVM)" \
    $(cat /nabla/bench.args)
echo "NABLA-BENCH-DONE rc=$?"
sync
poweroff -f
