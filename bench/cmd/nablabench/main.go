// nablabench measures nabla against runc and crun: start-up, container lifecycle, memory,
// host interface and density; prints one Markdown table and writes every sample as JSON
// (and, with -doc, docs/PERFORMANCE.md). -smoke runs one iteration of each, quickly.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// config is what one bench run does.
type config struct {
	repo            string
	only            string // -only: the steps whose names contain it
	warm, n         int
	smoke, install  bool
	densityMax      int
	bakedN          int // idle baked Go programs of one image up at once
	densityBudgetMB int
	settle          time.Duration
	jsonOut, docOut string
	command         string // how to reproduce, for the doc
	vm              bool   // also run bench/hvt-startup.sh (hvt on this host and in the aarch64 VM)
	vmArgs          string // its NABLA_BENCH_ARGS
}

func main() {
	var c config
	wd, _ := os.Getwd()
	flag.StringVar(&c.repo, "repo", wd, "repository root (bin/, guest/build/)")
	flag.IntVar(&c.n, "n", 20, "counted runs per measurement")
	flag.IntVar(&c.warm, "warmup", 3, "warm-up runs per measurement (not counted)")
	flag.BoolVar(&c.smoke, "smoke", false, "one run of each, small density: checks the harness, not the machine")
	flag.BoolVar(&c.install, "install", false, "apt-get install missing reference runtimes and tools")
	flag.IntVar(&c.densityMax, "density-max", 500, "most idle containers per runtime")
	flag.IntVar(&c.bakedN, "baked-n", 200, "idle baked Go programs of one image up at once")
	flag.IntVar(&c.densityBudgetMB, "density-budget", 2048, "memory budget for the density test, MiB")
	flag.StringVar(&c.jsonOut, "json", "", "write every sample here (JSON)")
	flag.StringVar(&c.docOut, "doc", "", "write docs/PERFORMANCE.md here")
	flag.StringVar(&c.command, "command", "make bench  (go run ./bench/cmd/nablabench -install -vm -json bench/results.json -doc docs/PERFORMANCE.md)", "reproducing command named in the doc")
	flag.BoolVar(&c.vm, "vm", false, "also run bench/hvt-startup.sh (nabla-hvt in the aarch64 nested-KVM VM) and fold in its medians")
	flag.StringVar(&c.vmArgs, "vm-args", "-puts 10000", "NABLA_BENCH_ARGS for bench/hvt-startup.sh")
	flag.StringVar(&c.only, "only", "", "run only the steps whose names contain this (e.g. \"library OS files\"); no -doc then")
	flag.Parse()
	if c.only != "" && c.docOut != "" {
		fmt.Fprintln(os.Stderr, "nablabench: -only measures a part: it cannot regenerate the whole -doc")
		os.Exit(2)
	}
	rep, err := bench(c, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nablabench:", err)
		os.Exit(1)
	}
	fmt.Print(table(rep.Results))
	if n := rep.failed(); n > 0 {
		fmt.Fprintf(os.Stderr, "nablabench: %d measurements failed\n", n)
		os.Exit(1)
	}
}

// bench runs every measurement and writes the requested files.
func bench(c config, progress *os.File) (rep *report, err error) {
	repo, err := filepath.Abs(c.repo)
	if err != nil {
		return nil, err
	}
	if c.bakedN <= 0 {
		c.bakedN = 200
	}
	if c.smoke {
		c.n, c.warm, c.densityMax, c.bakedN = 1, 0, min(c.densityMax, 2), min(c.bakedN, 2)
	}
	if c.settle == 0 {
		c.settle = 150 * time.Millisecond
		if c.smoke {
			c.settle = 30 * time.Millisecond
		}
	}
	e, err := setup(repo, c.install)
	if err != nil {
		if e != nil {
			e.close()
		}
		return nil, err
	}
	defer func() {
		if cerr := e.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	b, err := e.makeBundles()
	if err != nil {
		return nil, err
	}
	rep = newReport(c, e)
	step := func(name string, f func() []*Result) {
		if c.only != "" && !strings.Contains(name, c.only) {
			return
		}
		t0 := time.Now()
		fmt.Fprintf(progress, "nablabench: %s...\n", name)
		rep.Results = append(rep.Results, f()...)
		fmt.Fprintf(progress, "nablabench: %s done in %.1f s\n", name, time.Since(t0).Seconds())
	}
	step("start-up", func() []*Result { return e.startup(c.warm, c.n) })
	step("start-up (library OS)", func() []*Result { return e.libosStartup(b, c.warm, c.n) })
	step("library OS files", func() []*Result { return e.libosFiles(c.warm, c.n) })
	step("lifecycle", func() []*Result { return e.lifecycle(b, c.warm, c.n) })
	step("ctr run", func() []*Result { return e.ctrRuns(b, c.warm, c.n) })
	step("docker run", func() []*Result { return e.dockerRuns(c.warm, c.n) })
	step("kubernetes (CRI)", func() []*Result { return e.criRuns(c.warm, c.n, max(c.settle, time.Second)) })
	step("memory (hello)", func() []*Result { return e.memoryHello(b, c.warm, c.n) })
	step("memory (idle)", func() []*Result { return e.memoryIdle(b, c.warm, c.n, c.settle) })
	step("host interface", func() []*Result { return e.hostInterface(b, min(c.warm, 1), c.n) })
	step("host interface (library OS)", func() []*Result { return e.libosHostInterface(b, min(c.warm, 1), c.n) })
	step("density", func() []*Result {
		return e.density(b, float64(c.densityBudgetMB)*1024, c.densityMax, c.settle/3)
	})
	step("network", func() []*Result {
		if c.smoke {
			return e.network(1, 1, 64, time.Second)
		}
		return e.network(min(c.n, 3), 10, 1024, 10*time.Second)
	})
	step("redis", func() []*Result {
		if c.smoke {
			return e.redis(1, 2000)
		}
		return e.redis(min(c.n, 3), 100000)
	})
	step("network (nginx)", func() []*Result {
		if c.smoke {
			return e.nginxNetwork(1, 1)
		}
		return e.nginxNetwork(min(c.n, 3), 10)
	})
	step("density (baked Go)", func() []*Result { return e.bakedDensity(c.bakedN, c.settle) })
	if c.vm {
		step("aarch64 VM (bench/hvt-startup.sh)", func() []*Result { return e.vmRuns(c.vmArgs) })
	}
	rep.Finished = time.Now().UTC().Format(time.RFC3339)
	if c.jsonOut != "" {
		if err := rep.writeJSON(c.jsonOut); err != nil {
			return rep, err
		}
	}
	if c.docOut != "" {
		if err := rep.writeDoc(c.docOut); err != nil {
			return rep, err
		}
	}
	return rep, nil
}
