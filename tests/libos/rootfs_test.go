// The file-test harness: a rootfs tree with the apps and busybox in /bin, each app run
// natively in a chroot of a private copy and as a unikernel with `nabla run --rootfs`.
package libos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
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

	"github.com/nabla-containers/nabla/internal/fstree"
)

// treeFiles is the number of small files of the test rootfs ("a few thousand").
const treeFiles = 3000

// fsApps are the apps the rootfs carries in /bin (the file tests run them).
var fsApps = []string{"fs-tree", "fs-table", "musl-files", "musl-fscalls", "fs-fill", "fs-vol", "fs-bigread", "go-hello"}

// appEnv is the environment of every run, native and unikernel: the same both ways.
var appEnv = []string{"PATH=/bin:/usr/bin", "HOME=/root", "LC_ALL=C"}

func nablaCmd(t testing.TB) string {
	t.Helper()
	def := filepath.Join("..", "..", "bin", "nabla")
	if runtime.GOARCH == "arm64" {
		def = filepath.Join("..", "..", "bin", "arm64", "nabla")
	}
	if d := os.Getenv("NABLA_BIN"); d != "" {
		def = filepath.Join(d, "nabla")
	}
	p, err := filepath.Abs(def)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("nabla command %s missing (build it with make, or set NABLA_BIN): %v", p, err)
	}
	return p
}

func libosPath(t testing.TB) string {
	t.Helper()
	libosImage(t) // fails the test with the build hint when missing
	p, err := filepath.Abs(filepath.Join(envOr("NABLA_LIBOS_DIR", filepath.Join("..", "..", "guest", "libos", "build")), arch(), "libos.spt"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// busybox is Debian's busybox-static for this machine: $NABLA_LIBOS_APPS/busybox when the
// apps are prebuilt (the VM: vm-prepare.sh fetches the arm64 one), else fetched by
// fetch-busybox.sh into /var/cache/nabla. A failed fetch fails the test.
func busybox(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
		p := filepath.Join(d, "busybox")
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("busybox missing from the prebuilt apps (vm-prepare.sh puts it there): %v", err)
		}
		return p
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	deb := map[string]string{"amd64": "amd64", "arm64": "arm64"}[runtime.GOARCH]
	out, err := exec.Command("bash", "fetch-busybox.sh", deb).Output()
	if err != nil {
		var ee *exec.ExitError
		msg := ""
		if errors.As(err, &ee) {
			msg = string(ee.Stderr)
		}
		t.Fatalf("fetching Debian's busybox-static (%s) failed: %v\n%s", deb, err, msg)
	}
	return strings.TrimSpace(string(out))
}

var (
	treeOnce         sync.Once
	treePath, bigDir string
	treeErr          error
	bigOnce          sync.Once
	bigErr           error
)

// testTree is the rootfs of the file tests: fstree's files plus the apps and busybox in
// /bin. Built once per test binary run; no test may change it (runs get copies).
func testTree(t testing.TB) string {
	t.Helper()
	bins := map[string]string{"busybox": busybox(t)}
	for _, a := range fsApps {
		bins[a] = buildApp(t, a)
	}
	treeOnce.Do(func() {
		treePath = filepath.Join(work(t), "rootfs")
		if treeErr = fstree.Build(treePath, fstree.Spec{Files: treeFiles}); treeErr != nil {
			return
		}
		if treeErr = installBins(treePath, bins); treeErr != nil {
			return
		}
		treeErr = addFixtures(treePath)
	})
	if treeErr != nil {
		t.Fatalf("building the test rootfs: %v", treeErr)
	}
	return treePath
}

// bigTree is a rootfs with only /bin/fs-bigread and the mib-MiB /data/big.bin.
func bigTree(t testing.TB, mib int) string {
	t.Helper()
	app := buildApp(t, "fs-bigread")
	bigOnce.Do(func() {
		bigDir = filepath.Join(work(t), "bigroot")
		if bigErr = fstree.Build(bigDir, fstree.Spec{BigMiB: mib}); bigErr != nil {
			return
		}
		bigErr = installBins(bigDir, map[string]string{"fs-bigread": app})
	})
	if bigErr != nil {
		t.Fatalf("building the big-file rootfs: %v", bigErr)
	}
	return bigDir
}

// installBins copies the binaries into root/bin, mode 0755, with the tree's fixed time.
func installBins(root string, bins map[string]string) error {
	for name, src := range bins {
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		p := filepath.Join(root, "bin", name)
		if err := os.WriteFile(p, b, 0o755); err != nil {
			return err
		}
		if err := os.Chtimes(p, fstree.Epoch, fstree.Epoch); err != nil {
			return err
		}
		if err := installInterp(root, p); err != nil {
			return err
		}
	}
	return os.Chtimes(filepath.Join(root, "bin"), fstree.Epoch, fstree.Epoch)
}

// installInterp copies the host's program interpreter into the tree when the binary names
// one: arm64 Go PIEs carry PT_INTERP though they need no library, and the native run's
// kernel loads it (the unikernel's bake ignores it).
func installInterp(root, bin string) error {
	f, err := elf.Open(bin)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, ph := range f.Progs {
		if ph.Type != elf.PT_INTERP {
			continue
		}
		b := make([]byte, ph.Filesz)
		if _, err := ph.ReadAt(b, 0); err != nil {
			return err
		}
		interp := strings.TrimRight(string(b), "\x00")
		dst := filepath.Join(root, interp)
		if _, err := os.Stat(dst); err == nil {
			return nil
		}
		lib, err := os.ReadFile(interp)
		if err != nil {
			return fmt.Errorf("%s names interpreter %s: %v", bin, interp, err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, lib, 0o755)
	}
	return nil
}

// fsCase is one run of an app of a rootfs: argv[0] is its path inside the tree.
type fsCase struct {
	tree    string
	argv    []string
	mem     int // MiB, unikernel only; 0: defaultMem
	volumes []volume
	workdir string
	// inPlace runs the native side in tree itself instead of a copy (only for apps that
	// do not write, and trees too big to copy for every run).
	inPlace bool
	// flags are more `nabla run` flags for the unikernel side (--trap-calls, --debug).
	flags []string
}

// fsResult is the run's output: stdout and stderr as one stream in write order (the
// unikernel has one console today, so the native run gets one pipe for both too), in
// stdout; stderr is empty.
type fsResult struct {
	stdout, stderr string
	status         int
	dur            time.Duration
}

func runCmd(t testing.TB, cmd *exec.Cmd, timeout time.Duration) fsResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out, errb bytes.Buffer
	// Apart, as a container runtime keeps them: the libOS writes the app's fd 2 to the
	// host's fd 2 (fd/console.c), fd 1 to the console.
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s: timed out after %v; stdout:\n%s\nstderr:\n%s", strings.Join(cmd.Args, " "), timeout, out.String(), errb.String())
	}
	r := fsResult{stdout: out.String(), stderr: errb.String(), dur: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.status = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.status = 128 + int(ws.Signal())
		}
	default:
		t.Fatalf("%s: %v", cmd.Args[0], err)
	}
	return r
}

// fsTimeout bounds one run; the VM (emulated aarch64) gets its scale.
func fsTimeout() time.Duration {
	d := 3 * time.Minute
	if s, err := strconv.Atoi(os.Getenv("NABLA_E2E_TIMEOUT_SCALE")); err == nil && s > 1 {
		d *= time.Duration(s)
	}
	return d
}

// native runs the case in a chroot of a fresh copy of the tree (so its writes reach
// neither the tree nor the next run) and returns the copy as the run left it.
func (c fsCase) native(t testing.TB) (fsResult, string) {
	t.Helper()
	root := c.tree
	if !c.inPlace {
		var err error
		root, err = os.MkdirTemp(work(t), "native-")
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(root)
		if err := fstree.Copy(c.tree, root); err != nil {
			t.Fatalf("copying the rootfs: %v", err)
		}
	}
	spec, _ := json.Marshal(chrootSpec{Root: root, Volumes: c.volumes, Workdir: c.workdir, Argv: c.argv, Env: appEnv})
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = []string{chrootEnv + "=" + string(spec)}
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	r := runCmd(t, cmd, fsTimeout())
	if r.status == 125 && strings.HasPrefix(r.stderr, "chroot helper:") {
		t.Fatalf("native run of %s: %s (the file tests need root for chroot and mounts)", c.argv[0], r.stderr)
	}
	return r, root
}

// nablaCacheDir is where the unikernel runs' `nabla run` keeps baked images and disks.
func nablaCacheDir(t testing.TB) string {
	d := filepath.Join(work(t), "nabla-cache")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

// uniArgv is the `nabla run` command line of the case.
func (c fsCase) uniArgv(t testing.TB) []string {
	mem := c.mem
	if mem == 0 {
		mem = defaultMem(t)
	}
	argv := []string{nablaCmd(t), "run", "--rootfs=" + c.tree, "--mem=" + strconv.Itoa(mem),
		"--libos=" + libosPath(t), "--tender=" + tender(t)}
	argv = append(argv, c.flags...)
	for _, e := range appEnv {
		argv = append(argv, "--env="+e)
	}
	for _, v := range c.volumes {
		argv = append(argv, v.flag())
	}
	if c.workdir != "" {
		argv = append(argv, "--workdir="+c.workdir)
	}
	return append(argv, c.argv...)
}

// unikernel runs the case with `nabla run --rootfs=TREE`.
func (c fsCase) unikernel(t testing.TB) fsResult {
	t.Helper()
	argv := c.uniArgv(t)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = []string{"NABLA_CACHE_DIR=" + nablaCacheDir(t), "HOME=" + work(t), "PATH=" + os.Getenv("PATH")}
	r := runCmd(t, cmd, fsTimeout())
	if r.status == 128+31 || strings.Contains(r.stdout, "installing the SIGSYS handler failed") {
		t.Fatalf("the tender killed the libOS (SIGSYS): is nabla-spt built with the libOS policy?\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	return r
}

// sameFS runs c both ways and requires equal stdout, stderr and status (after norm, when
// given, which may only remove what legitimately differs); it returns the native result.
func sameFS(t *testing.T, c fsCase, norm func(string) string) fsResult {
	t.Helper()
	return sameFSCheck(t, c, norm, nil)
}

// sameFSCheck is sameFS with a check of the native result first: what it must show for
// the comparison to mean anything (the applet really did its job natively).
func sameFSCheck(t *testing.T, c fsCase, norm func(string) string, check func(fsResult)) fsResult {
	t.Helper()
	n, root := c.native(t)
	if !c.inPlace {
		defer os.RemoveAll(root)
	}
	if check != nil {
		check(n)
	}
	u := c.unikernel(t)
	if norm == nil {
		norm = func(s string) string { return s }
	}
	if norm(n.stdout) != norm(u.stdout) || norm(n.stderr) != norm(u.stderr) || n.status != u.status {
		t.Fatalf("%s differs:\nnative (status %d):\n%s\nstderr:\n%s\nunikernel (status %d):\n%s\nstderr:\n%s\n(unikernel command: %s)",
			strings.Join(c.argv, " "), n.status, clip(norm(n.stdout)), n.stderr, u.status, clip(norm(u.stdout)), u.stderr,
			strings.Join(c.uniArgv(t), " "))
	}
	t.Logf("%s: status %d, native %v, unikernel %v", strings.Join(c.argv, " "), n.status, n.dur, u.dur)
	return n
}

// clip keeps failure messages readable: the first differing region matters.
func clip(s string) string {
	if len(s) > 6000 {
		return s[:6000] + "\n... (" + strconv.Itoa(len(s)-6000) + " more bytes)"
	}
	return s
}

// treeHash is fstree.Hash or a failed test.
func treeHash(t testing.TB, dir string) string {
	t.Helper()
	h, err := fstree.Hash(dir)
	if err != nil {
		t.Fatalf("hashing %s: %v", dir, err)
	}
	return h
}

// staticELF checks the file is a static executable `nabla bake` can take (ET_EXEC or a
// static PIE: no PT_INTERP) and returns its type.
func staticELF(t testing.TB, p string) elf.Type {
	t.Helper()
	f, err := elf.Open(p)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	defer f.Close()
	for _, ph := range f.Progs {
		if ph.Type == elf.PT_INTERP {
			t.Fatalf("%s has PT_INTERP: not static", p)
		}
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		t.Fatalf("%s: ELF type %v", p, f.Type)
	}
	return f.Type
}

func fileSHA(p string) (string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", sha256.Sum256(b)), nil
}
