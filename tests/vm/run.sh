#!/bin/bash
# aarch64 test run: cross-builds tenders and test binaries, packs an initramfs, boots qemu.
# Env: NABLA_CACHE (kernel/busybox cache), NABLA_VM_TIMEOUT (s), NABLA_VM_LOG, NABLA_VM_KEEP=1;
# NABLA_VM_BIN (use these prebuilt arm64 tenders instead of building cmd/*),
# NABLA_VM_GUESTS (dir with test_*.{spt,hvt}, default guest/build/aarch64),
# NABLA_VM_TESTS (dir with test_*/expect.json, default guest/tests),
# NABLA_VM_CPU (qemu -cpu, default max: every feature; cortex-a53 is ARMv8.0 as on a Raspberry
# Pi 3: no LSE atomics, pointer authentication or RNDR; EL2 stays on, so hvt runs on it too);
# to chase one test: NABLA_VM_ONLY (package dirs to run, e.g. "tests/libos"; e2e only if named),
# NABLA_VM_TESTARGS (more go test flags for them, e.g. "-test.run=Tap -test.count=10").
# Exit 0 only if the VM printed its result marker and every binary (and build) passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${NABLA_CACHE:-/var/cache/nabla}
timeout_s=${NABLA_VM_TIMEOUT:-2700}
cpu=${NABLA_VM_CPU:-max}
log=${NABLA_VM_LOG:-/tmp/nabla-vm-aarch64-$cpu.log}
[[ $cpu == max ]] && cpu=max,pauth-impdef=on # the cheap-to-emulate pointer authentication
work=$(mktemp -d /tmp/nabla-vm.XXXXXX)
[[ ${NABLA_VM_KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT

die() { echo "vm/run.sh: $*" >&2; echo "NABLA-VM-SUMMARY pass=0 fail=1"; exit 1; }
for t in qemu-system-aarch64 cpio gzip go apt-get dpkg-deb readelf timeout; do
    command -v "$t" >/dev/null || die "missing tool: $t"
done

"$here/fetch.sh" "$cache" || die "kernel/busybox fetch failed"

root=$work/root
# /nabla/src mirrors the repository (package dirs, bin/arm64, guest/build, guest/tests)
# so tests that find files relative to their package directory work in the VM too.
src=$root/nabla/src
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,lib/modules} "$root"/nabla/tests \
         "$src"/{bin/arm64,guest/build/aarch64,guest/build/x86_64,guest/tests}
cp "$cache/busybox" "$root/bin/busybox"
cp "$cache/ld-linux-aarch64.so.1" "$root/lib/" # PT_INTERP of Go PIE tenders (and of nft)
cp -r "$cache/nft/." "$root/" # /usr/sbin/nft and its libraries, for tests/runnc's loss test
ln -s busybox "$root/bin/sh"
mknod "$root/dev/console" c 5 1
cp "$cache"/modules/*.ko "$root/lib/modules/" 2>/dev/null
cp "$cache/modules.order" "$root/nabla/modules.order"
install -m 0755 "$here/init.sh" "$root/init"

export GOARCH=arm64 CGO_ENABLED=0 GOFLAGS=${GOFLAGS:--buildvcs=false}
buildfail=0
cd "$repo" || die "no repo"

# Tenders and the CLI: the top Makefile's arm64 builds (nabla-spt is static and linked high,
# as shipped), unless NABLA_VM_BIN names another directory.
if [[ -z ${NABLA_VM_BIN:-} ]]; then
    (unset GOARCH; make -s -C "$repo" go) || die "make go failed"
    NABLA_VM_BIN=$repo/bin/arm64
fi
cp "$NABLA_VM_BIN"/* "$src/bin/arm64/" || die "cannot copy $NABLA_VM_BIN"

# Copies a package directory's files (not its sub-packages) plus testdata, for tests' cwd.
copypkg() {
    mkdir -p "$src/$1"
    find "$1" -maxdepth 1 -type f -exec cp {} "$src/$1/" \;
    [[ -d $1/testdata ]] && cp -r "$1/testdata" "$src/$1/"
    return 0
}

# One test binary per package that has tests (e2e runs last, separately).
: > "$root/nabla/unit.list"
while IFS='|' read -r dir files; do
    [[ $files == "[][]" ]] && continue
    rel=${dir#"$repo"}; rel=${rel#/}; rel=${rel:-.}
    [[ $rel == tests/e2e ]] && continue
    [[ -n ${NABLA_VM_ONLY:-} && " $NABLA_VM_ONLY " != *" $rel "* ]] && continue
    bin=tests/$(echo "$rel" | tr / _).test
    copypkg "$rel"
    if go test -c -o "$root/nabla/$bin" "./$rel"; then
        echo "$rel $bin" >> "$root/nabla/unit.list"
    else
        echo "NABLA-VM-TEST build:$rel FAIL"; buildfail=$((buildfail + 1))
    fi
done < <(go list -e -f '{{.Dir}}|{{.TestGoFiles}}{{.XTestGoFiles}}' ./...)
copypkg tests/e2e
# The OCI state schema tests/runnc validates against (it finds it with go on the host).
if spec=$(go list -m -f '{{.Dir}}' github.com/opencontainers/runtime-spec) && [[ -d $spec/schema ]]; then
    mkdir -p "$root/nabla/oci-schema" && cp "$spec"/schema/*.json "$root/nabla/oci-schema/"
else
    echo "vm/run.sh: warning: no runtime-spec schema (tests/runnc state checks will fail)" >&2
fi
# The library OS tests: arm64 app builds (no compilers in the VM) and the aarch64 libOS image.
if ! (unset GOARCH; tests/libos/vm-prepare.sh "$root/nabla/libos"); then
    echo "NABLA-VM-TEST build:tests/libos-apps FAIL"; buildfail=$((buildfail + 1))
fi
echo "${NABLA_VM_TESTARGS:-}" > "$root/nabla/test.args"
if [[ -n ${NABLA_VM_ONLY:-} && " $NABLA_VM_ONLY " != *" tests/e2e "* ]]; then
    : > "$root/nabla/e2e.skip"
elif ! go test -c -o "$root/nabla/e2e.test" ./tests/e2e; then
    echo "NABLA-VM-TEST build:tests/e2e FAIL"; buildfail=$((buildfail + 1))
fi

# Guest images (both arches: wrong-arch checks use x86_64 ones) and their expectations.
cp "${NABLA_VM_GUESTS:-guest/build/aarch64}"/test_*.{spt,hvt} "$src/guest/build/aarch64/" 2>/dev/null
ls "$src"/guest/build/aarch64/*.spt >/dev/null 2>&1 ||
    echo "vm/run.sh: warning: no aarch64 guest images" >&2
cp guest/build/x86_64/test_*.{spt,hvt} "$src/guest/build/x86_64/" 2>/dev/null
for e in "${NABLA_VM_TESTS:-guest/tests}"/test_*/expect.json; do
    [[ -f $e ]] || continue
    t=$(basename "$(dirname "$e")")
    mkdir -p "$src/guest/tests/$t"
    cp "$e" "$src/guest/tests/$t/"
done

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.cpio.gz" ||
    die "initramfs build failed"
echo "vm/run.sh: initramfs $(du -h "$work/initramfs.cpio.gz" | cut -f1), booting -cpu $cpu (timeout ${timeout_s}s)" >&2

start=$(date +%s)
timeout -k 10 "$timeout_s" qemu-system-aarch64 -M virt,virtualization=on -cpu "$cpu" \
    -m 3072 -smp 2 -nographic -no-reboot -nic none \
    -kernel "$cache/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyAMA0 rdinit=/init quiet panic=-1" </dev/null 2>&1 | tee "$log"
qrc=${PIPESTATUS[0]}
echo "vm/run.sh: qemu -cpu $cpu ran $(($(date +%s) - start)) s" >&2

marker=$(tr -d '\r' < "$log" | grep -E '^NABLA-VM-RESULT pass=[0-9]+ fail=[0-9]+$' | tail -1)
if [[ -z $marker ]]; then
    echo "vm/run.sh: no result marker (VM did not boot, hung or crashed; qemu rc=$qrc); log: $log" >&2
    echo "NABLA-VM-SUMMARY pass=0 fail=$((buildfail + 1))"
    exit 1
fi
pass=$(sed 's/.*pass=\([0-9]*\).*/\1/' <<<"$marker")
fail=$(sed 's/.*fail=\([0-9]*\).*/\1/' <<<"$marker")
fail=$((fail + buildfail))
echo "NABLA-VM-SUMMARY pass=$pass fail=$fail"
[[ $fail -eq 0 ]]
