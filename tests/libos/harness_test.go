// The harness: build an app natively, bake it with the libOS, run both, and collect the results.
package libos

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/bake"
)

func arch() string {
	if runtime.GOARCH == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func tender(t testing.TB) string {
	t.Helper()
	def := filepath.Join("..", "..", "bin", "nabla-spt")
	if runtime.GOARCH == "arm64" {
		def = filepath.Join("..", "..", "bin", "arm64", "nabla-spt")
	}
	p, err := filepath.Abs(envOr("NABLA_SPT", def))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("tender %s missing (build it with make, or set NABLA_SPT): %v", p, err)
	}
	return p
}

func libosImage(t testing.TB) []byte {
	t.Helper()
	p := filepath.Join(envOr("NABLA_LIBOS_DIR", filepath.Join("..", "..", "guest", "libos", "build")), arch(), "libos.spt")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("libOS image missing (make -C guest/libos ARCH=%s, or set NABLA_LIBOS_DIR): %v", arch(), err)
	}
	return b
}

// workDir holds the built apps and baked images of one test binary run.
var (
	workOnce sync.Once
	workPath string
	workErr  error
)

func work(t testing.TB) string {
	t.Helper()
	workOnce.Do(func() { workPath, workErr = os.MkdirTemp("", "nabla-libos-test-") })
	if workErr != nil {
		t.Fatal(workErr)
	}
	return workPath
}

var buildMu sync.Mutex

// buildApp compiles apps/<name> (main.go with go, main.c with musl-gcc -static) once ("-pie"
// appended to a Go app's name: built with -buildmode=pie), or
// uses a prebuilt binary from $NABLA_LIBOS_APPS/<name> (the aarch64 VM has no compilers).
func buildApp(t testing.TB, name string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if runtime.GOARCH == "arm64" {
		name = strings.TrimSuffix(name, "-pie") // every arm64 Go app is built -buildmode=pie
	}
	if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
		return filepath.Join(d, name)
	}
	out := filepath.Join(work(t), name)
	if _, err := os.Stat(out); err == nil {
		return out
	}
	src := filepath.Join("apps", strings.TrimSuffix(name, "-pie"))
	var cmd *exec.Cmd
	if _, err := os.Stat(filepath.Join(src, "main.go")); err == nil {
		// arm64 Go links at 0x10000, below the libOS: only its PIE build fits (bake applies
		// the relocations). amd64 runs the default build.
		args := []string{"build", "-o", out}
		if runtime.GOARCH == "arm64" || strings.HasSuffix(name, "-pie") {
			args = append(args, "-buildmode=pie")
		}
		cmd = exec.Command("go", append(args, "main.go")...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	} else {
		cc, err := exec.LookPath("musl-gcc")
		if err != nil {
			t.Fatalf("musl-gcc not found (apt-get install musl-tools): needed for %s", name)
		}
		cmd = exec.Command(cc, "-static", "-O2", "-o", out, "main.c", "-lpthread")
	}
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, b)
	}
	return out
}

// bakeApp joins the app with the libOS into <work>/<name>.spt.
func bakeApp(t testing.TB, name, app string) string {
	t.Helper()
	b, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	img, err := bake.Bake(libosImage(t), b, bake.Options{Arch: arch(), Name: name})
	if err != nil {
		t.Fatalf("bake %s: %v", name, err)
	}
	p := filepath.Join(work(t), name+".spt")
	if err := os.WriteFile(p, img, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

type result struct {
	stdout string
	stderr string // apart from stdout: the libOS writes the app's fd 2 to the host's fd 2
	status int    // exit status, or 128+signal
	dur    time.Duration
	// maxRSS is the peak resident set of the process or of any of its descendants it
	// waited for (wait4's ru_maxrss): for the tender, the larger of itself and the guest.
	maxRSS uint64
}

func execute(t testing.TB, argv []string, env []string, timeout time.Duration) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	peak, err := withRSSHelper(cmd)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), dur: time.Since(start), maxRSS: peak()}
	if ctx.Err() != nil {
		t.Fatalf("%s: timed out after %v; output:\n%s\nstderr:\n%s", strings.Join(argv, " "), timeout, r.stdout, r.stderr)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.status = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.status = 128 + int(ws.Signal())
		}
	default:
		t.Fatalf("%s: %v", argv[0], err)
	}
	return r
}

// runCase describes one app run: its arguments, environment and guest memory.
type runCase struct {
	app  string
	args []string
	env  []string
	mem  int // MiB
	opts []string
}

func (c runCase) native(t testing.TB) result {
	return execute(t, append([]string{buildApp(t, c.app)}, c.args...), c.env, time.Minute)
}

func (c runCase) unikernel(t testing.TB) result {
	img := bakeApp(t, c.app, buildApp(t, c.app))
	mem := c.mem
	if mem == 0 {
		mem = defaultMem(t)
	}
	argv := []string{tender(t), "--mem=" + strconv.Itoa(mem), img, "--solo5:quiet"}
	for _, e := range c.env {
		argv = append(argv, "--env="+e)
	}
	if len(c.opts) > 0 && strings.HasPrefix(c.opts[len(c.opts)-1], "{") {
		argv = append(argv, c.opts...) // a JSON configuration ends the command line
	} else {
		argv = append(argv, c.opts...)
		argv = append(argv, "--")
		argv = append(argv, c.args...)
	}
	r := execute(t, argv, nil, time.Minute)
	if r.status == 128+31 || strings.Contains(r.stdout, "installing the SIGSYS handler failed") {
		t.Fatalf("the tender killed the libOS (SIGSYS) or refused its handler: is nabla-spt built with the libOS policy (LibOSText/LibOSPolicy in prepare.go)?\n%s\n%s", r.stdout, r.stderr)
	}
	return r
}

// defaultMem is the guest memory (--mem, MiB) of a run, 256 unless NABLA_LIBOS_MEM says
// otherwise: the libOS gets address space beyond it for Go's reservations (README
// "Memory"), so it bounds what the app commits, not what Go reserves.
// all is both streams, for a message that may be on either (the libOS's own on the console,
// the app's or the tender's on stderr).
func (r result) all() string { return r.stdout + r.stderr }

func defaultMem(t testing.TB) int {
	if v := os.Getenv("NABLA_LIBOS_MEM"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("NABLA_LIBOS_MEM=%q: want a positive number of MiB", v)
		}
		return n
	}
	return 256
}
