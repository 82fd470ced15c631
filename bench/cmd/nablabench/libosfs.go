// Library OS files: a 200 MB rootfs file read, busybox find over 10,000 files, a Go hello's
// start-up with a 5,000-file rootfs and Debian's python3 start-up (a dynamic program on its
// own ld.so and libraries), each through `nabla run --rootfs` against the native run.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/nabla-containers/nabla/internal/fstree"
)

// fsTrees are the rootfs trees of the file benchmarks and the programs in them.
type fsTrees struct {
	big, find, start string // rootfs dirs: 200 MiB file; 10,000 files; 5,000 files
	bigread, busybox string // host paths of fs-bigread and Debian's busybox-static
}

const (
	fsBigMiB     = 200
	fsFindFiles  = 10000
	fsStartFiles = 5000
)

// makeFSTrees builds the trees (fstree, as tests/libos does) with the programs in /bin.
func (e *env) makeFSTrees() (fsTrees, error) {
	var t fsTrees
	var err error
	t.bigread = e.path("fs-bigread")
	c := exec.Command(goTool(), "build", "-trimpath", "-o", t.bigread, "./tests/libos/apps/fs-bigread")
	c.Dir = e.repo
	c.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if runtime.GOARCH == "arm64" {
		c.Args = append(c.Args[:2], append([]string{"-buildmode=pie"}, c.Args[2:]...)...)
	}
	if b, err := c.CombinedOutput(); err != nil {
		return t, fmt.Errorf("go build fs-bigread: %v\n%s", err, b)
	}
	out, err := exec.Command("bash", filepath.Join(e.repo, "tests/libos/fetch-busybox.sh"), runtime.GOARCH).Output()
	if err != nil {
		return t, fmt.Errorf("fetching busybox-static: %v", err)
	}
	t.busybox = strings.TrimSpace(string(out))
	for _, tr := range []struct {
		dir  *string
		name string
		spec fstree.Spec
		bins map[string]string
	}{
		{&t.big, "fs-big", fstree.Spec{BigMiB: fsBigMiB}, map[string]string{"fs-bigread": t.bigread}},
		{&t.find, "fs-find", fstree.Spec{Files: fsFindFiles}, map[string]string{"busybox": t.busybox}},
		{&t.start, "fs-start", fstree.Spec{Files: fsStartFiles}, map[string]string{"go-hello": e.goHello}},
	} {
		*tr.dir = e.path(tr.name)
		if err := fstree.Build(*tr.dir, tr.spec); err != nil {
			return t, err
		}
		for name, src := range tr.bins {
			b, err := os.ReadFile(src)
			if err != nil {
				return t, err
			}
			if err := os.WriteFile(filepath.Join(*tr.dir, "bin", name), b, 0o755); err != nil {
				return t, err
			}
		}
	}
	return t, nil
}

// nablaRootfs is the argv of `nabla run --rootfs=DIR APP ARGS...`.
func (e *env) nablaRootfs(dir string, app ...string) []string {
	return append([]string{filepath.Join(e.bin, "nabla"), "run", "--rootfs=" + dir, fmt.Sprintf("--mem=%d", libosMemMiB)}, app...)
}

// sameOut is a contender body that times argv and requires its stdout to be want's
// (computed from the native run once), so a fast wrong answer is no figure.
func (e *env) sameOut(argv []string, want func(string) bool) func() (float64, error) {
	return func() (float64, error) {
		o, err := e.run(argv...)
		if err == nil && !want(o.stdout) {
			err = fmt.Errorf("%s: unexpected output %.200q", strings.Join(argv, " "), o.stdout)
		}
		return o.ms, err
	}
}

func (e *env) libosFiles(warm, n int) []*Result {
	t, err := e.makeFSTrees()
	if err != nil {
		return []*Result{{Section: "library OS files", Measure: "setup", Contender: "fstree trees", Unit: "ms", Error: err.Error()}}
	}
	var rs []*Result
	// The 200 MB read: native from the page cache (the warm-up runs fill it).
	nat, err := e.run(t.bigread, filepath.Join(t.big, "data/big.bin"))
	if err != nil {
		return []*Result{{Section: "library OS files", Measure: "setup", Contender: "native fs-bigread", Unit: "ms", Error: err.Error()}}
	}
	hash := func(s string) bool { return s == nat.stdout }
	rs = append(rs, alternate("library OS files", fmt.Sprintf("read a %d MB rootfs file end to end (SHA-256 checked)", fsBigMiB), "ms", warm, n, []contender{
		{name: "native fs-bigread (page cache)", ref: true, run: e.sameOut([]string{t.bigread, filepath.Join(t.big, "data/big.bin")}, hash)},
		{name: "nabla run --rootfs fs-bigread", note: "rootfs disk cached after the first run", run: e.sameOut(e.nablaRootfs(t.big, "/bin/fs-bigread", "/data/big.bin"), hash)},
	})...)
	// find over 10,000 files: same number of lines both ways (paths are prefixed natively).
	fo, err := e.run(t.busybox, "find", filepath.Join(t.find, "data"))
	if err != nil {
		return append(rs, &Result{Section: "library OS files", Measure: "setup", Contender: "native busybox find", Unit: "ms", Error: err.Error()})
	}
	lines := strings.Count(fo.stdout, "\n")
	count := func(s string) bool { return strings.Count(s, "\n") == lines }
	rs = append(rs, alternate("library OS files", fmt.Sprintf("busybox find over %d files (%d entries)", fsFindFiles, lines), "ms", warm, n, []contender{
		{name: "native busybox find", ref: true, run: e.sameOut([]string{t.busybox, "find", filepath.Join(t.find, "data")}, count)},
		{name: "nabla run --rootfs busybox find", run: e.sameOut(e.nablaRootfs(t.find, "/bin/busybox", "find", "/data"), count)},
	})...)
	hello := func(s string) bool { return strings.Contains(s, goHelloLine) }
	rs = append(rs, alternate("library OS files", fmt.Sprintf("Go hello start-up with a %d-file rootfs", fsStartFiles), "ms", warm, n, []contender{
		{name: "native static Go hello", ref: true, run: e.sameOut([]string{e.goHello}, hello)},
		{name: "nabla run hello-go (no rootfs)", run: e.sameOut([]string{filepath.Join(e.bin, "nabla"), "run", e.goHello}, hello)},
		{name: fmt.Sprintf("nabla run --rootfs (%d files) /bin/go-hello", fsStartFiles), run: e.sameOut(e.nablaRootfs(t.start, "/bin/go-hello"), hello)},
	})...)
	return append(rs, e.pythonStart(warm, n)...)
}

// pythonStart times `python3 -c` of Debian's python3.11 (tests/libos/fetch-dynroot.sh's
// tree: ld.so, libc, libexpat, zlib, the standard library) in a chroot of the tree and as
// a unikernel on the same tree.
func (e *env) pythonStart(warm, n int) []*Result {
	out, err := exec.Command("bash", filepath.Join(e.repo, "tests/libos/fetch-dynroot.sh"), runtime.GOARCH).Output()
	if err != nil {
		return []*Result{{Section: "library OS files", Measure: "setup", Contender: "fetch-dynroot.sh", Unit: "ms", Error: err.Error()}}
	}
	tree := strings.TrimSpace(string(out))
	prog := []string{"/usr/bin/python3", "-I", "-c", "print(6 * 7)"}
	ok := func(s string) bool { return s == "42\n" }
	cs := []contender{
		{name: "native chroot python3", ref: true, run: e.sameOut(append([]string{"chroot", tree}, prog...), ok)},
		{name: "nabla run --rootfs python3", run: e.sameOut(e.nablaRootfs(tree, prog...), ok)},
	}
	// runc and runnc on one bundle (a copy of the tree), each run a whole container's life.
	bundle, err := e.treeBundle("python-bundle", tree, prog, "")
	for _, rt := range []struct{ name, bin, root string }{
		{"runc", "runc", e.runcRoot}, {"runnc", filepath.Join(e.bin, "runnc"), e.runncRoot}} {
		c := contender{name: rt.name + " run python3 (a container from create to delete)"}
		c.run = func() (float64, error) {
			if err != nil {
				return 0, err
			}
			return e.sameOut([]string{rt.bin, "--root", rt.root, "run", "-b", bundle, e.id("py")}, ok)()
		}
		cs = append(cs, c)
	}
	return alternate("library OS files", "python3 -c start-up (dynamic: ld.so and 4 libraries from the rootfs)", "ms", warm, n, cs)
}
