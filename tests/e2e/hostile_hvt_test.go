// TestHostileHVT: the guest-side hypercall fuzzer (test_hostile_hvt) against nabla-hvt, fixed seeds and counts.
package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Diagnostics of a clean end of a hostile guest (exit 1): the tender refused an access
// or the guest faulted. Anything else with status 1 is reported.
var hvtCleanEnd = regexp.MustCompile(`Invalid guest access|Invalid guest port access|Invalid guest MMIO access|Invalid guest hypercall|Guest fault|net write of|translation fault`)

var haltLine = regexp.MustCompile(`HALT (\d+)\n$`)

// hostileSeeds is how many seeds each mode runs (NABLA_HOSTILE_SEEDS overrides, for the
// long form in tests/fuzz.sh) and hostileCount the rounds per run.
func hostileSeeds() (int, int) {
	seeds, count := 6, 400
	if v, err := strconv.Atoi(os.Getenv("NABLA_HOSTILE_SEEDS")); err == nil && v > 0 {
		seeds = v
	}
	if v, err := strconv.Atoi(os.Getenv("NABLA_HOSTILE_COUNT")); err == nil && v > 0 {
		count = v
	}
	return seeds, count
}

func TestHostileHVT(t *testing.T) {
	requireHost(t)
	requireKVM(t)
	tender := tenderPath(t, "nabla-hvt")
	image := guestImageFor(t, "hostile_hvt", "hvt")
	ns, err := newNetns()
	if err != nil {
		t.Fatalf("network namespace: %v", err)
	}
	defer ns.Close()
	tap := tapName(0)
	if err := ns.Do(func() error { return createTap(tap, hostIP(0)) }); err != nil {
		t.Fatalf("tap: %v", err)
	}
	defer func() {
		if err := ns.Do(func() error { return deleteTap(tap) }); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	}()
	disk := hostileDisk(t)
	seeds, count := hostileSeeds()
	began := time.Now()
	runs, rounds, faults, halts := 0, 0, 0, 0
	for _, mode := range []string{"soft", "hard"} {
		for seed := 1; seed <= seeds; seed++ {
			argv := []string{tender, "--mem=8", "--block:storage=" + disk, "--net:service=" + tap, image,
				"--solo5:quiet", fmt.Sprintf("seed=%d", seed), fmt.Sprintf("count=%d", count)}
			if mode == "soft" {
				argv = append(argv, "soft")
			}
			var r *running
			if err := ns.Do(func() error { var e error; r, e = start(argv); return e }); err != nil {
				t.Fatalf("starting tender: %v", err)
			}
			res, err := r.wait(runTimeout * 4)
			if err != nil {
				t.Fatal(err)
			}
			runs++
			what := fmt.Sprintf("%s seed=%d: status %d\nstdout:\n%s\nstderr:\n%s", mode, seed, res.Status,
				indent(shorten(res.Stdout)), indent(res.Stderr))
			if res.TimedOut {
				t.Errorf("%s: hung", what)
				continue
			}
			if strings.Contains(res.Stderr, "goroutine") || strings.Contains(res.Stderr, "panic") {
				t.Errorf("tender panicked: %s", what)
				continue
			}
			if res.Status == 159 {
				t.Errorf("the tender's own seccomp filter was hit: %s", what)
				continue
			}
			if m := regexp.MustCompile(`rounds=(\d+)`).FindStringSubmatch(res.Stdout); m != nil {
				n, _ := strconv.Atoi(m[1])
				rounds += n
			}
			switch {
			case res.Status == 0 && strings.Contains(res.Stdout, "SUCCESS"):
			case haltLine.MatchString(res.Stdout):
				want, _ := strconv.Atoi(haltLine.FindStringSubmatch(res.Stdout)[1])
				// A bad cookie is refused (exit 1); a good one halts with the status.
				if res.Status != want && !(res.Status == 1 && hvtCleanEnd.MatchString(res.Stderr)) {
					t.Errorf("HALT %d: %s", want, what)
				}
				halts++
			case mode == "hard" && res.Status == 1 && hvtCleanEnd.MatchString(res.Stderr):
				faults++
			default:
				t.Errorf("unexpected end: %s", what)
			}
		}
	}
	t.Logf("hostile hvt: %d runs (%d seeds x soft/hard, count %d), %d rounds answered, %d clean guest-fault ends, %d halts, crashes 0, filter hits 0, in %v",
		runs, seeds, count, rounds, faults, halts, time.Since(began).Round(time.Millisecond))
}

// TestHostileHVTFlood: 64 MiB of console output through PUTS hypercalls all arrive, and
// nabla-hvt does not buffer them (the flood mode of test_hostile_spt, built for hvt).
func TestHostileHVTFlood(t *testing.T) {
	requireHost(t)
	requireKVM(t)
	disk := hostileDisk(t)
	testFlood(t, tenderPath(t, "nabla-hvt"), guestImageFor(t, "hostile_spt", "hvt"),
		[]string{"--mem=4", "--block:storage=" + disk}, 64)
}
