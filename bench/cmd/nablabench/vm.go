// Folds in bench/hvt-startup.sh (hvt beside spt, on this host and in the aarch64 VM).
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Lines bench/nabla-bench prints (medians only: its samples are not exported).
var (
	vmStartup = regexp.MustCompile(`^BENCH (\S+) (\w+) startup hello median of (\d+): ([0-9.]+) ms`)
	vmPuts    = regexp.MustCompile(`^BENCH (\S+) (\w+) puts (\d+) x 1 byte: .*round trip ([0-9.]+) us`)
)

// parseVM turns the script's BENCH lines into rows: the VM's start-up, every round trip.
func parseVM(out []byte, putsRuns int) []*Result {
	var rs []*Result
	for _, line := range bytes.Split(out, []byte("\n")) {
		if m := vmStartup.FindSubmatch(line); m != nil {
			label := string(m[1])
			if !bytes.Contains(m[1], []byte("-VM")) {
				continue // the host's start-up is measured above, with every sample
			}
			v, _ := strconv.ParseFloat(string(m[4]), 64)
			rs = append(rs, &Result{Section: "start-up (" + label + ")", Measure: "hello: median of " + string(m[3]) + " by bench/hvt-startup.sh",
				Contender: "nabla-" + string(m[2]) + " test_hello." + string(m[2]), Unit: "ms", Reference: string(m[2]) == "spt",
				Note: "median only", Samples: []float64{v}, MedianOf: atoi(m[3])})
		}
		if m := vmPuts.FindSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(string(m[4]), 64)
			rs = append(rs, &Result{Section: "hypercall (" + string(m[1]) + ")", Measure: "1-byte console write round trip, " + string(m[3]) + " writes, by bench/hvt-startup.sh",
				Contender: "nabla-" + string(m[2]) + " test_puts." + string(m[2]), Unit: "us", Reference: string(m[2]) == "spt",
				Note: "median only", Samples: []float64{v}, MedianOf: putsRuns})
		}
	}
	// Rows of one section together, in the order the sections first appear.
	sort.SliceStable(rs, func(i, j int) bool { return firstIndex(rs, rs[i].Section) < firstIndex(rs, rs[j].Section) })
	return rs
}

func firstIndex(rs []*Result, section string) int {
	for i, r := range rs {
		if r.Section == section {
			return i
		}
	}
	return len(rs)
}

func atoi(b []byte) int {
	n, _ := strconv.Atoi(string(b))
	return n
}

// vmRuns runs bench/hvt-startup.sh (its own VM, cache and clean-up) and parses it.
func (e *env) vmRuns(args string) []*Result {
	script := filepath.Join(e.repo, "bench", "hvt-startup.sh")
	fail := func(err error) []*Result {
		return []*Result{{Section: "start-up (aarch64 VM)", Measure: "bench/hvt-startup.sh", Contender: "nabla-hvt", Unit: "ms", Error: err.Error()}}
	}
	if _, err := os.Stat(script); err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, script)
	c.Dir = e.repo
	c.Env = append(os.Environ(), "NABLA_BENCH_ARGS="+args)
	c.Stdin = e.devnull
	out, err := c.CombinedOutput()
	putsRuns := 3 // nabla-bench's default -r
	if f := strings.Fields(args); len(f) > 0 {
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "-r" {
				putsRuns, _ = strconv.Atoi(f[i+1])
			}
		}
	}
	rs := parseVM(out, putsRuns)
	if err != nil || len(rs) == 0 {
		return append(rs, fail(fmt.Errorf("bench/hvt-startup.sh: %v: %s", err, oneLine(lastLines(out, 5))))...)
	}
	return rs
}

func lastLines(b []byte, n int) string {
	ls := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return string(bytes.Join(ls, []byte(" / ")))
}
