// Test harness: builds runnc next to a copy of bin/nabla-spt (or takes both from
// NABLA_BIN), makes bundles from the guest images, runs runnc with a private --root
// and checks nothing is left behind.
package runnc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var (
	repo   string // repository root
	runncB string // built runnc binary
	arch   = map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	// The test binary doubles as the network tests' prestart hook (see plugveth_test.go).
	if len(os.Args) > 1 && os.Args[1] == plugVethArg {
		return plugVethMain(os.Args[2:])
	}
	wd, _ := os.Getwd()
	repo = filepath.Dir(filepath.Dir(wd))
	// Prebuilt binaries (the aarch64 VM has no Go): runnc and its tenders from NABLA_BIN.
	if bin := os.Getenv("NABLA_BIN"); bin != "" {
		runncB = filepath.Join(bin, "runnc")
		for _, f := range []string{"runnc", "nabla-spt", "nabla-hvt"} {
			if _, err := os.Stat(filepath.Join(bin, f)); err != nil {
				fmt.Fprintf(os.Stderr, "runnc tests: NABLA_BIN=%s lacks %s: %v\n", bin, f, err)
				return 1
			}
		}
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "runnc-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// An installed layout: bin/runnc beside its tenders, lib/nabla/libos-<arch>.spt.
	if err := installLibOS(dir); err != nil {
		fmt.Fprintf(os.Stderr, "runnc tests need the libOS image: %v\n", err)
		return 1
	}
	dir = filepath.Join(dir, "bin")
	os.MkdirAll(dir, 0o755)
	runncB = filepath.Join(dir, "runnc")
	build := exec.Command("go", "build", "-tags", "urfave_cli_no_docs", "-o", runncB, "./cmd/runnc")
	build.Dir = repo
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build runnc: %v\n%s", err, out)
		return 1
	}
	// The tenders next to runnc: bin/nabla-* when built, else built here from source.
	for _, tender := range []string{"nabla-spt", "nabla-hvt"} {
		if err := installTender(dir, tender); err != nil {
			fmt.Fprintf(os.Stderr, "runnc tests need the %s tender: %v\n", tender, err)
			return 1
		}
	}
	return m.Run()
}

// installLibOS copies the libOS image ($NABLA_LIBOS_DIR or guest/libos/build) to
// top/lib/nabla, where runnc at top/bin finds it (bake.LibOSFile).
func installLibOS(top string) error {
	src := os.Getenv("NABLA_LIBOS_DIR")
	if src == "" {
		src = filepath.Join(repo, "guest", "libos", "build")
	}
	b, err := os.ReadFile(filepath.Join(src, arch, "libos.spt"))
	if err != nil {
		return fmt.Errorf("%v (make -C guest/libos)", err)
	}
	if err := os.MkdirAll(filepath.Join(top, "lib", "nabla"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(top, "lib", "nabla", "libos-"+arch+".spt"), b, 0o644)
}

// installTender copies bin/<name> into dir, or builds it from cmd/<name>.
func installTender(dir, name string) error {
	dst := filepath.Join(dir, name)
	if b, err := os.ReadFile(filepath.Join(repo, "bin", name)); err == nil {
		return os.WriteFile(dst, b, 0o755)
	}
	build := exec.Command("go", "build", "-buildmode=pie", "-o", dst, "./cmd/"+name)
	build.Dir = repo
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("bin/%s missing and building it failed: %v\n%s", name, err, out)
	}
	return nil
}

// env is one test's runtime root and scratch space.
type env struct {
	t    *testing.T
	root string
	tmp  string
	bin  string // runnc to run instead of runncB (with other tenders beside it)
}

func newEnv(t *testing.T) *env {
	tmp := t.TempDir()
	e := &env{t: t, root: filepath.Join(tmp, "root"), tmp: tmp}
	t.Cleanup(e.checkClean)
	return e
}

// checkClean fails the test when a container directory or a process of ours remains.
func (e *env) checkClean() {
	ents, _ := os.ReadDir(e.root)
	for _, d := range ents {
		if d.Name() != ".cache" {
			e.t.Errorf("left behind in --root: %s", d.Name())
			// Clean up so the next tests start fresh.
			exec.Command(runncB, "--root", e.root, "delete", "--force", d.Name()).Run()
		}
	}
	if pids := ourProcesses(e.tmp); len(pids) > 0 {
		e.t.Errorf("processes left behind: %v", pids)
	}
}

// ourProcesses lists processes whose command line mentions dir (our bundles live
// there, so every tender of this test has it in its argv).
func ourProcesses(dir string) []string {
	var out []string
	for i := 0; i < 100; i++ { // a killed tender may take a moment to be reaped
		out = out[:0]
		ents, _ := os.ReadDir("/proc")
		for _, p := range ents {
			b, err := os.ReadFile("/proc/" + p.Name() + "/cmdline")
			if err != nil || !bytes.Contains(b, []byte(dir)) {
				continue
			}
			st, _ := os.ReadFile("/proc/" + p.Name() + "/stat")
			if f := strings.Fields(string(st)); len(f) > 2 && f[2] == "Z" {
				continue
			}
			out = append(out, p.Name()+":"+strings.ReplaceAll(string(b), "\x00", " "))
		}
		if len(out) == 0 {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return out
}

// image is the path of a guest test image for this host.
func image(t *testing.T, name string) string {
	p := filepath.Join(repo, "guest", "build", arch, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("guest image %s missing (run make guest): %v", p, err)
	}
	return p
}

// bundle makes a bundle with the named images copied into its rootfs and spec s.
func (e *env) bundle(s *specs.Spec, images ...string) string {
	e.t.Helper()
	dir, err := os.MkdirTemp(e.tmp, "bundle-")
	if err != nil {
		e.t.Fatal(err)
	}
	rootfs := filepath.Join(dir, "rootfs")
	os.MkdirAll(rootfs, 0o755)
	for _, img := range images {
		b, err := os.ReadFile(image(e.t, img))
		if err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(rootfs, img), b, 0o755); err != nil {
			e.t.Fatal(err)
		}
	}
	if s != nil {
		e.writeSpec(dir, s)
	}
	return dir
}

func (e *env) writeSpec(dir string, s *specs.Spec) {
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// helloSpec runs test_hello.spt with args, no namespaces.
func helloSpec(args ...string) *specs.Spec {
	return &specs.Spec{
		Version:  specs.Version,
		Root:     &specs.Root{Path: "rootfs"},
		Process:  &specs.Process{Args: append([]string{"/test_hello.spt"}, args...), Env: []string{"A=1"}, Cwd: "/"},
		Hostname: "hello",
	}
}

// result of one runnc invocation.
type result struct {
	code           int
	stdout, stderr string
}

// run runs runnc with --root and args; the container's stdio goes to files so that a
// tender outliving runnc does not hold a pipe open.
func (e *env) run(args ...string) result {
	e.t.Helper()
	return e.runIn("", args...)
}

func (e *env) runIn(dir string, args ...string) result {
	e.t.Helper()
	out, _ := os.CreateTemp(e.tmp, "out-")
	defer os.Remove(out.Name())
	return e.exec(dir, out, args...)
}

// runOut runs runnc with stdout (inherited by the container) going to the file path.
func (e *env) runOut(path string, args ...string) result {
	e.t.Helper()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		e.t.Fatal(err)
	}
	defer out.Close()
	return e.exec("", out, args...)
}

func (e *env) exec(dir string, out *os.File, args ...string) result {
	e.t.Helper()
	errf, _ := os.CreateTemp(e.tmp, "err-")
	defer os.Remove(errf.Name())
	bin := runncB
	if e.bin != "" {
		bin = e.bin
	}
	cmd := exec.Command(bin, append([]string{"--root", e.root}, args...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, errf
	err := cmd.Run()
	code := 0
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			e.t.Fatalf("runnc %v: %v", args, err)
		}
	}
	out.Sync()
	o, _ := os.ReadFile(out.Name())
	s, _ := os.ReadFile(errf.Name())
	return result{code, string(o), string(s)}
}

// ok runs runnc and fails the test on a non-zero exit.
func (e *env) ok(args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("runnc %v: exit %d\nstderr: %s", args, r.code, r.stderr)
	}
	return r
}

// fails runs runnc, expecting a non-zero exit and a one-line error containing want.
func (e *env) fails(want string, args ...string) {
	e.t.Helper()
	r := e.run(args...)
	if r.code == 0 {
		e.t.Errorf("runnc %v succeeded, want error %q", args, want)
		return
	}
	msg := strings.TrimRight(r.stderr, "\n")
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, want) {
		e.t.Errorf("runnc %v: stderr %q, want one line containing %q", args, r.stderr, want)
	}
}

// state returns the parsed `runnc state` output after validating it.
func (e *env) state(id string) map[string]any {
	e.t.Helper()
	r := e.ok("state", id)
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		e.t.Fatalf("state output is not JSON: %v\n%s", err, r.stdout)
	}
	validateState(e.t, m)
	return m
}

// waitStatus polls `state` until the container reaches want.
func (e *env) waitStatus(id, want string) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := e.state(id)["status"]
		if s == want {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("container %s: status %v, want %s", id, s, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitFile waits until the file holds want (the tender writes it after start).
func waitFile(t *testing.T, path, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), want) {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q does not contain %q", path, b, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// hostOnly skips a test inside the aarch64 VM (NABLA_VM=1), which has no daemons;
// everywhere else the test runs and fails clearly when its tools are missing.
func hostOnly(t *testing.T, what string) {
	if os.Getenv("NABLA_VM") == "1" {
		t.Skipf("%s is not in the aarch64 VM: this test runs on the x86_64 host", what)
	}
}
