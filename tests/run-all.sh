#!/bin/bash
# Runs every test: host unit tests (+ fuzz seeds), host e2e (root), the aarch64 VM run
# (-cpu cortex-a53: ARMv8.0, with EL2 for nested KVM) and the emulated Raspberry Pi 3
# (tests/vm/pi.sh).
# Prints "N passed, M failed" (test packages/binaries) and exits non-zero on any failure.
# Expects `make` to have built bin/nabla-spt and guest/build/{x86_64,aarch64}.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
pass=0
fail=0
out=$(mktemp)

# count adds the ok/FAIL package lines of a `go test` output to the totals.
count() {
    local p f
    p=$(grep -cE '^ok[[:space:]]' "$out")
    f=$(grep -cE '^FAIL[[:space:]]+[^[:space:]]' "$out") # "FAIL<tab>pkg ..." only
    [[ $2 -ne 0 && $f -eq 0 ]] && f=1 # go test failed without a FAIL package line (setup error)
    echo "run-all: $1: $p passed, $f failed"
    pass=$((pass + p)); fail=$((fail + f))
}

# On the host every tool a test needs (gcc, aarch64 cross gcc, ...) must be there: tests
# that honour NABLA_REQUIRE_TOOLS then fail instead of skipping. The VM sets it to 0.
export NABLA_REQUIRE_TOOLS=1

# The aarch64 VM run is independent of the host suites and mostly emulated CPU; the host
# suites mostly wait (daemons, networks, timers): the VM starts first, beside them, and its
# log is printed when the host suites are done.
vmlog=$(mktemp)
trap 'rm -f "$out" "$vmlog"' EXIT
echo "== aarch64 VM (-cpu cortex-a53), started in the background"
env NABLA_VM_CPU=cortex-a53 tests/vm/run.sh >"$vmlog" 2>&1 &
vmpid=$!

echo "== host unit tests"
go test -count=1 -timeout 40m $(go list ./... | grep -v '/tests/e2e$') 2>&1 | tee "$out"
count unit "${PIPESTATUS[0]}"

echo "== host e2e ($(go env GOARCH))"
if [[ $(id -u) -ne 0 ]]; then
    echo "run-all: e2e needs root" | tee "$out"
    count e2e 1
else
    go test -count=1 -timeout 20m -v ./tests/e2e 2>&1 | tee "$out"
    count e2e "${PIPESTATUS[0]}"
fi

# vmcount NAME RC LOG: one VM run's result, counted from its NABLA-VM-SUMMARY line.
vmcount() {
    local name=$1 vrc=$2 s vp vf
    s=$(grep -E '^NABLA-VM-SUMMARY ' "$3" | tail -1)
    vp=$(sed -n 's/.*pass=\([0-9]*\).*/\1/p' <<<"$s"); vp=${vp:-0}
    vf=$(sed -n 's/.*fail=\([0-9]*\).*/\1/p' <<<"$s"); vf=${vf:-1}
    [[ $vrc -ne 0 && $vf -eq 0 ]] && vf=1
    echo "run-all: $name: $vp passed, $vf failed"
    pass=$((pass + vp)); fail=$((fail + vf))
}

# The whole aarch64 suite ran once on the ARMv8.0 baseline (a Raspberry Pi 3's Cortex-A53):
# code that needs a later feature fails there, and -M virt,virtualization=on still gives
# the guest EL2, so nabla-hvt is tested too. (`NABLA_VM_CPU=max tests/vm/run.sh` runs the
# same on every feature, about twice as fast.) Then the guide's steps on the Pi 3 board.
echo "== aarch64 VM (-cpu cortex-a53): its log"
wait "$vmpid"
vmrc=$?
cat "$vmlog"
vmcount vm-a53 "$vmrc" "$vmlog"
echo "== Raspberry Pi 3 (qemu raspi3b)"
tests/vm/pi.sh 2>&1 | tee "$vmlog"
vmcount pi3 "${PIPESTATUS[0]}" "$vmlog"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
