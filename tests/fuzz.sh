#!/bin/bash
# fuzz.sh (`make fuzz`): runs every Go Fuzz* target of the repository for FUZZTIME each,
# then the guest ustar index under libFuzzer (clang), then the hvt hypercall fuzzer guest
# with many seeds (NABLA_HOSTILE_SEEDS/COUNT).
# Env: FUZZTIME (default 30s), NABLA_HOSTILE_SEEDS (default 50), NABLA_HOSTILE_COUNT (2000).
# A failing target leaves its input under the package's testdata/fuzz: keep it as a
# regression case once fixed. Exit 0 only if every target passed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH=$PATH:/usr/local/go/bin
fuzztime=${FUZZTIME:-30s}
fail=0
ran=0
# Package directory and target name of every "func FuzzX(" in a test file.
while IFS=: read -r file _ line; do
    name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"$line")
    pkg=./$(dirname "$file")
    echo "== $pkg $name ($fuzztime)"
    ran=$((ran + 1))
    if ! go test "$pkg" -run "^${name}\$" -fuzz "^${name}\$" -fuzztime "$fuzztime"; then
        echo "FAIL: $pkg $name"
        fail=$((fail + 1))
    fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' internal cmd tests docs 2>/dev/null | sort)

# The guest's ustar index (guest/libos/fs/ustar.c) under libFuzzer, coverage guided, seeded
# by the committed corpus (the Go FuzzGuestIndex above drives the same harness blind).
echo "== guest ustar index, libFuzzer ($fuzztime)"
ran=$((ran + 1))
need_pkgs=""
command -v clang >/dev/null || need_pkgs="clang"
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || need_pkgs="$need_pkgs libclang-rt-14-dev"
if [[ -n $need_pkgs && $(id -u) -eq 0 ]]; then
    echo "fuzz.sh: installing$need_pkgs"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need_pkgs >/dev/null || true
fi
ufz=$(mktemp -d)
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -DUSTAR_LIBFUZZER -o "$ufz/fuzz" \
        guest/libos/fs/hosttest/ustar_harness.c guest/libos/fs/ustar.c; then
    echo "FAIL: guest ustar fuzzer: needs clang and libclang-rt-14-dev (Debian)"
    fail=$((fail + 1))
else
    mkdir -p "$ufz/corpus"
    cp internal/runnc/rootfs/testdata/guestindex/*.disk "$ufz/corpus/"
    secs=30
    [[ $fuzztime =~ ^([0-9]+)s$ ]] && secs=${BASH_REMATCH[1]}
    [[ $fuzztime =~ ^([0-9]+)m$ ]] && secs=$((BASH_REMATCH[1] * 60))
    set -o pipefail
    if ! (cd "$ufz" && ./fuzz -max_total_time="$secs" -max_len=262144 -rss_limit_mb=1024 \
            -artifact_prefix="$OLDPWD/internal/runnc/rootfs/testdata/guestindex/crash-" corpus 2>&1 | tail -3); then
        echo "FAIL: guest ustar fuzzer (the input is in internal/runnc/rootfs/testdata/guestindex/crash-*)"
        fail=$((fail + 1))
    fi
fi
rm -rf "$ufz"

echo "== hostile hvt guest, long form"
if [[ $(id -u) -ne 0 ]]; then
    echo "FAIL: the hostile hvt run needs root (taps, network namespaces)"
    fail=$((fail + 1))
else
    ran=$((ran + 1))
    (cd tests/e2e && NABLA_HOSTILE_SEEDS=${NABLA_HOSTILE_SEEDS:-50} NABLA_HOSTILE_COUNT=${NABLA_HOSTILE_COUNT:-2000} \
        go test -count=1 -run '^TestHostile' -v . 2>&1 | grep -E '^(---|ok|FAIL|PASS)|hostile (spt|hvt):') \
        || { echo "FAIL: hostile guests"; fail=$((fail + 1)); }
fi
echo "fuzz.sh: $ran targets, $fail failed"
[[ $fail -eq 0 ]]
