// Library OS: a static Go hello under `nabla run` against the same binary natively and under runc.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/seccomp"
	"github.com/nabla-containers/nabla/internal/spt"
)

// libosMemMiB is `nabla run`'s default --mem, which the bench keeps (Go needs 64+).
const libosMemMiB = 256

// goHelloLine is what tests/libos/apps/go-hello prints.
const goHelloLine = "hello from Go"

// goTool is the go command: on PATH, else the one this program was built with.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// buildGoHello builds tests/libos/apps/go-hello static (CGO_ENABLED=0) into the scratch dir.
func buildGoHello(repo, tmp string) (string, error) {
	out := filepath.Join(tmp, "hello-go")
	c := exec.Command(goTool(), "build", "-trimpath", "-o", out, "./tests/libos/apps/go-hello")
	c.Dir = repo
	c.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if b, err := c.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build tests/libos/apps/go-hello: %v\n%s", err, b)
	}
	return out, nil
}

// primeLibOS runs `nabla run hello-go` once: it bakes the image into the bench's cache
// (so counted runs measure a cache hit, as every run after the first does), checks the
// app really ran, and returns the baked image's path.
func (e *env) primeLibOS() (string, error) {
	o, err := e.run(filepath.Join(e.bin, "nabla"), "run", e.goHello)
	if err != nil {
		return "", err
	}
	if !strings.Contains(o.stdout, goHelloLine) {
		return "", fmt.Errorf("nabla run %s printed %q, want %q", e.goHello, o.stdout, goHelloLine)
	}
	var baked []string
	filepath.WalkDir(e.nablaCache, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			baked = append(baked, p)
		}
		return nil
	})
	if len(baked) != 1 {
		return "", fmt.Errorf("nabla run: %d files in the bake cache %s, want 1", len(baked), e.nablaCache)
	}
	return baked[0], nil
}

// libosTender is the argv `nabla run` execs: the tender on the baked image.
func (e *env) libosTender() []string {
	return []string{filepath.Join(e.bin, "nabla-spt"), fmt.Sprintf("--mem=%d", libosMemMiB), e.goHelloSpt, "--solo5:quiet", "--"}
}

func (e *env) libosStartup(b bundles, warm, n int) []*Result {
	cs := []contender{
		{name: "native static Go hello", ref: true, run: e.timed(fixed(e.goHello))},
		{name: "nabla run hello-go (libOS)", note: "baked image cached", run: e.timed(fixed(filepath.Join(e.bin, "nabla"), "run", e.goHello))},
		{name: "nabla-spt on the baked hello-go", run: e.timed(fixed(e.libosTender()...))},
		{name: "runc run (static Go hello)", run: e.timed(e.runtimeArgv("runc", b.goHello))},
	}
	return alternate("start-up", "Go hello (CGO_ENABLED=0): exec to exit", "ms", warm, n, cs)
}

// libosHostInterface counts the host calls of the Go hello under nabla and under runc.
func (e *env) libosHostInterface(b bundles, warm, n int) []*Result {
	nabla := fixed(filepath.Join(e.bin, "nabla"), "run", e.goHello)
	var rs []*Result
	rs = append(rs, alternate("host interface", "Go hello: distinct host syscalls, whole tree, exec to exit (strace -f; calls the libOS trapped not counted)", "calls", warm, n, []contender{
		{name: "runc run (static Go hello)", ref: true, run: e.countCalls(false, "", e.runtimeArgv("runc", b.goHello))},
		{name: "native static Go hello", run: e.countCalls(false, "", fixed(e.goHello))},
		{name: "nabla run hello-go (libOS)", run: e.countCalls(false, "", nabla)},
	})...)
	rs = append(rs, alternate("host interface", "Go hello: distinct host syscalls of the workload (after its exec or seccomp filter)", "calls", warm, n, []contender{
		{name: "runc run (static Go hello)", ref: true, run: e.countCalls(true, "/hello-go", e.runtimeArgv("runc", b.goHello))},
		{name: "nabla run hello-go (libOS)", run: e.countCalls(true, "", nabla)},
		{name: "nabla run hello-go: app calls trapped to the libOS", note: "not host calls", run: e.countTrapped(nabla)},
	})...)
	return rs
}

// countTrapped is the number of distinct calls the seccomp filter trapped (the app's,
// which the libOS emulates); a run with none is an error (the gate did not work).
func (e *env) countTrapped(argv func() []string) func() (float64, error) {
	return func() (float64, error) {
		t, err := e.strace("", argv()...)
		if err == nil && len(t.trapped) == 0 {
			err = fmt.Errorf("no call trapped by the seccomp filter (SIGSYS SYS_SECCOMP)")
		}
		return float64(len(t.trapped)), err
	}
}

// libosPolicy is the filter nabla-spt installs for the baked image, built as the tender
// builds it (internal/spt/prepare.go): the gated libOS policy, plus its mprotect rule
// when the image's note asks for the libOS memory layout.
func libosPolicy(image string, memMiB uint64) (seccomp.Policy, error) {
	f, err := os.Open(image)
	if err != nil {
		return seccomp.Policy{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return seccomp.Policy{}, err
	}
	img, err := nelf.Parse(f, st.Size())
	if err != nil {
		return seccomp.Policy{}, fmt.Errorf("%s: %v", image, err)
	}
	li, ok, err := spt.LibOSNote(img)
	if err != nil {
		return seccomp.Policy{}, fmt.Errorf("%s: %v", image, err)
	}
	if !ok {
		return seccomp.Policy{}, fmt.Errorf("%s: no libOS note", image)
	}
	p := spt.LibOSPolicy(runtime.GOARCH, spt.Devices{EpollFD: 3, TimerFD: 4}, li.Text)
	if li.Layout {
		p = spt.AllowLibOSMprotect(p, runtime.GOARCH, memMiB<<20)
	}
	return p, nil
}
