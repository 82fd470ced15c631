// The libOS benchmarks: each app natively and through `nabla run`, alternating, as a Markdown table.
//
// Usage (from the repository root, after `make` and `make -C guest/libos`):
//
//	go run ./bench/libos [-runs 11] [-mem 256] [-nabla bin/nabla]
//
// Three contenders pairs, each run -runs times in turn (native, unikernel, native, ...)
// after one warm-up of each (which also bakes the image into nabla's cache):
//   - sha256: SHA-256 over 200 MB (CPU-bound; the target is >= 0.95x native);
//   - pingpong: 200,000 round trips between two goroutines over unbuffered channels;
//   - startup: `nabla run hello-go` to exit vs exec of the same binary.
//
// Times are wall clock of the whole process, so `nabla run` includes its cache check and
// the tender's start; the CPU columns are user+system time of the process and the
// descendants it waited for (the guest), which a loaded machine disturbs less. Outputs of
// the two runs must agree, or the program fails.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

type bench struct {
	name, app, what string
	target          string
}

var benches = []bench{
	{"sha256", "bench-sha256", "SHA-256 over 200 MB", ">= 0.95"},
	{"pingpong", "bench-pingpong", "goroutine ping-pong, 200k round trips", ""},
	{"startup", "go-hello", "`nabla run hello-go` to exit vs exec", ""},
}

func main() {
	runs := flag.Int("runs", 11, "timed runs of each contender (alternating)")
	mem := flag.Int("mem", 256, "--mem of the unikernel runs (MiB)")
	nabla := flag.String("nabla", "bin/nabla", "the nabla command")
	apps := flag.String("apps", "tests/libos/apps", "directory of the app sources")
	flag.Parse()
	if *runs < 1 || *mem < 1 {
		fail(errors.New("-runs and -mem must be positive"))
	}
	nb, err := filepath.Abs(*nabla)
	if err != nil {
		fail(err)
	}
	if _, err := os.Stat(nb); err != nil {
		fail(fmt.Errorf("%s missing: run make first (%v)", nb, err))
	}
	work, err := os.MkdirTemp("", "nabla-libos-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(work)

	fmt.Printf("libOS benchmarks, %s/%s, %d runs each (alternating), --mem=%d, %s\n\n",
		runtime.GOOS, runtime.GOARCH, *runs, *mem, time.Now().UTC().Format(time.RFC3339))
	fmt.Println("| benchmark | native median | unikernel median | unikernel/native time | speed vs native | target | native CPU | unikernel CPU | CPU ratio (uni/native) |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	med := map[string][2]time.Duration{} // wall medians, native and unikernel
	for _, b := range benches {
		bin, err := build(filepath.Join(*apps, b.app), filepath.Join(work, b.app))
		if err != nil {
			fail(err)
		}
		native := []string{bin}
		uni := []string{nb, "run", fmt.Sprintf("--mem=%d", *mem), bin}
		n, u, err := measure(native, uni, *runs)
		if err != nil {
			fail(fmt.Errorf("%s: %v", b.name, err))
		}
		mn, mu := median(n.wall), median(u.wall)
		cn, cu := median(n.cpu), median(u.cpu)
		med[b.name] = [2]time.Duration{mn, mu}
		fmt.Printf("| %s (%s) | %s | %s | %.3f | %.3fx | %s | %s | %s | %.3f |\n", b.name, b.what, ms(mn), ms(mu),
			float64(mu)/float64(mn), float64(mn)/float64(mu), b.target, ms(cn), ms(cu), float64(cu)/float64(cn))
	}
	// The fixed start-up (nabla run's cache check, the tender, the libOS's start) is part of
	// every unikernel time above; without it the hashing itself compares as:
	s, h := med["sha256"], med["startup"]
	if n, u := s[0]-h[0], s[1]-h[1]; n > 0 && u > 0 {
		fmt.Printf("\nsha256 net of start-up (sha256 median minus startup median): native %s, unikernel %s, speed vs native %.3fx\n",
			ms(n), ms(u), float64(n)/float64(u))
	}
}

// build compiles src/main.go statically (PIE on arm64, where Go links below the libOS).
func build(src, out string) (string, error) {
	args := []string{"build", "-o", out}
	if runtime.GOARCH == "arm64" {
		args = append(args, "-buildmode=pie")
	}
	cmd := exec.Command("go", append(args, "main.go")...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", src, err, b)
	}
	return out, nil
}

// samples are the wall and CPU times of one contender's runs.
type samples struct{ wall, cpu []time.Duration }

// measure warms both up once, then times runs of each in turn; outputs must agree.
func measure(native, uni []string, runs int) (n, u samples, err error) {
	want, _, _, err := run(native)
	if err != nil {
		return n, u, err
	}
	if got, _, _, err := run(uni); err != nil {
		return n, u, err
	} else if got != want {
		return n, u, fmt.Errorf("outputs differ:\nnative: %q\nunikernel: %q", want, got)
	}
	for i := 0; i < runs; i++ {
		for _, c := range []struct {
			argv []string
			into *samples
		}{{native, &n}, {uni, &u}} {
			out, wall, cpu, err := run(c.argv)
			if err != nil {
				return n, u, err
			}
			if out != want {
				return n, u, fmt.Errorf("%s: output %q, want %q", strings.Join(c.argv, " "), out, want)
			}
			c.into.wall = append(c.into.wall, wall)
			c.into.cpu = append(c.into.cpu, cpu)
		}
	}
	return n, u, nil
}

// run returns the stdout, wall time and CPU time (user+system, waited-for children included).
func run(argv []string) (string, time.Duration, time.Duration, error) {
	var out, errb bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return "", 0, 0, fmt.Errorf("%s: %v\n%s%s", strings.Join(argv, " "), err, out.Bytes(), errb.Bytes())
	}
	return out.String(), d, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func fail(err error) {
	fmt.Fprintf(os.Stderr, "bench/libos: %v\n", err)
	os.Exit(1)
}
