// nabla-bench measures tender start-up (hello) and the hypercall round trip (puts).
//
// Start-up: wall time from fork to exit of `TENDER test_hello.T --solo5:quiet`, median of
// -n runs after one warm-up. Round trip: test_puts does N one-byte console writes (one
// hypercall each, console to /dev/null); (time(N) - time(0)) / N, medians of -r runs.
// Figures only: nothing is asserted.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

func main() {
	bin := flag.String("bin", "bin", "directory with nabla-spt and nabla-hvt")
	guests := flag.String("guests", "guest/build/x86_64", "directory with test_hello.* and test_puts.*")
	n := flag.Int("n", 20, "start-up runs (median)")
	puts := flag.Int("puts", 100000, "one-byte puts per round-trip run")
	r := flag.Int("r", 3, "round-trip runs (median)")
	label := flag.String("label", "", "label printed with every line (e.g. the host kind)")
	targets := flag.String("targets", "spt,hvt", "tenders to measure, comma-separated")
	flag.Parse()
	failed := false
	for _, t := range splitComma(*targets) {
		tender := filepath.Join(*bin, "nabla-"+t)
		hello := filepath.Join(*guests, "test_hello."+t)
		putsImg := filepath.Join(*guests, "test_puts."+t)
		st, err := median(*n, tender, hello, "--solo5:quiet")
		if err != nil {
			fmt.Printf("BENCH %s %s startup ERROR %v\n", *label, t, err)
			failed = true
			continue
		}
		fmt.Printf("BENCH %s %s startup hello median of %d: %.2f ms\n", *label, t, *n, ms(st))
		base, err := median(*r, tender, putsImg, "--solo5:quiet", "0")
		if err == nil {
			var full time.Duration
			full, err = median(*r, tender, putsImg, "--solo5:quiet", strconv.Itoa(*puts))
			if err == nil {
				per := (full - base) / time.Duration(*puts)
				fmt.Printf("BENCH %s %s puts %d x 1 byte: run %.1f ms, empty run %.1f ms, round trip %.2f us\n",
					*label, t, *puts, ms(full), ms(base), float64(per.Nanoseconds())/1000)
			}
		}
		if err != nil {
			fmt.Printf("BENCH %s %s puts ERROR %v\n", *label, t, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// median runs argv runs times (after one warm-up run) and returns the median wall time;
// any run that does not exit 0 is an error.
func median(runs int, argv ...string) (time.Duration, error) {
	if runs < 1 {
		runs = 1
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return 0, err
	}
	defer devnull.Close()
	var ds []time.Duration
	for i := 0; i <= runs; i++ {
		c := exec.Command(argv[0], argv[1:]...)
		c.Stdout = devnull
		c.Stderr = os.Stderr
		t0 := time.Now()
		if err := c.Run(); err != nil {
			return 0, fmt.Errorf("%v: %v", argv, err)
		}
		if i > 0 { // run 0 warms the page cache
			ds = append(ds, time.Since(t0))
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}
