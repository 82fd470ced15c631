// A libOS container through runnc: the bundle's rootfs is the guest's /, a read-only bind
// mount is a disk at its destination, tmpfs is memory, argv/env/cwd/user arrive as the spec
// says, writes stay in the unikernel; a writable bind mount is refused at create.
package runnc

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/nabla-containers/nabla/internal/bake"
)

func libosArch() string {
	if runtime.GOARCH == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

// bakedApp is tests/libos/apps/NAME baked with the libOS with options o (prebuilt for
// arm64 in the VM: $NABLA_LIBOS_APPS, $NABLA_LIBOS_DIR).
func bakedApp(t *testing.T, name string, o bake.Options) []byte {
	t.Helper()
	app := filepath.Join(t.TempDir(), name)
	if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
		app = filepath.Join(d, name)
	} else {
		cmd := exec.Command("go", "build", "-buildmode=pie", "-o", app, ".")
		cmd.Dir = filepath.Join("..", "libos", "apps", name)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", name, err, b)
		}
	}
	appB, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("NABLA_LIBOS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "guest", "libos", "build")
	}
	libos, err := os.ReadFile(filepath.Join(dir, libosArch(), "libos.spt"))
	if err != nil {
		t.Fatalf("libOS image: %v (make -C guest/libos)", err)
	}
	img, err := bake.Bake(libos, appB, o)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// catfilesImage is tests/libos/apps/go-catfiles baked with the libOS.
func catfilesImage(t *testing.T) []byte {
	return bakedApp(t, "go-catfiles", bake.Options{Name: "app"})
}

func hashTree(t *testing.T, dir string) [32]byte {
	t.Helper()
	h := sha256.New()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v %d\n", p, info.Mode(), info.Size())
		if info.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			h.Write(b)
		}
		return nil
	})
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

func TestLibOSFiles(t *testing.T) {
	e := newEnv(t)
	vol := filepath.Join(e.tmp, "vol")
	os.MkdirAll(vol, 0o755)
	os.WriteFile(filepath.Join(vol, "v.txt"), []byte("from the host volume\n"), 0o644)
	s := helloSpec()
	s.Process.Args = []string{"/app.spt", "/etc/greeting", "rel.txt", "/data/v.txt",
		"w:/data/new", "w:/tmp/t", "w:/etc/greeting", "/etc/greeting", "w:/run/r", "l:/run", "a b", ""}
	s.Process.Env = []string{"PATH=/bin", "SPACED=x y  z", "EMPTY=", "EQ=a=b", "NL=1\n2"}
	s.Process.Cwd = "/work"
	s.Process.User = specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5, 6}}
	s.Mounts = []specs.Mount{
		{Destination: "/data", Source: vol, Type: "bind", Options: []string{"rbind", "ro"}},
		{Destination: "/run", Type: "tmpfs", Source: "tmpfs", Options: []string{"size=1m"}},
		{Destination: "/proc", Type: "proc", Source: "proc"},
	}
	b := e.bundle(s)
	root := filepath.Join(b, "rootfs")
	os.WriteFile(filepath.Join(root, "app.spt"), catfilesImage(t), 0o755)
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.MkdirAll(filepath.Join(root, "work"), 0o755)
	os.WriteFile(filepath.Join(root, "etc", "greeting"), []byte("hello from the rootfs\n"), 0o644)
	os.WriteFile(filepath.Join(root, "work", "rel.txt"), []byte("relative to cwd\n"), 0o644)
	before, vbefore := hashTree(t, root), hashTree(t, vol)

	out := filepath.Join(e.tmp, "out")
	if r := e.runOut(out, "run", "-b", b, "lf1"); r.code != 0 {
		got, _ := os.ReadFile(out)
		t.Fatalf("run: exit %d: %s\n%s", r.code, r.stderr, got)
	}
	got, _ := os.ReadFile(out)
	want := strings.Join([]string{
		`argv ["/app.spt" "/etc/greeting" "rel.txt" "/data/v.txt" "w:/data/new" "w:/tmp/t" "w:/etc/greeting" "/etc/greeting" "w:/run/r" "l:/run" "a b" ""]`,
		`env ["EMPTY=" "EQ=a=b" "HOME=/" "NL=1\n2" "PATH=/bin" "SPACED=x y  z"]`, // HOME as runc adds it
		`cwd /work ok`,
		`uid 1000 gid 1000 groups [5 6]`,
		`read /etc/greeting (/etc/greeting): "hello from the rootfs\n" ok`,
		`read rel.txt (/work/rel.txt): "relative to cwd\n" ok`,
		`read /data/v.txt (/data/v.txt): "from the host volume\n" ok`,
		`write /data/new: read-only file system, read back "" no such file or directory`,
		`write /tmp/t: ok, read back "written /tmp/t\n" ok`,
		`write /etc/greeting: permission denied, read back "hello from the rootfs\n" ok`, // uid 1000, root's 0644 file
		`read /etc/greeting (/etc/greeting): "hello from the rootfs\n" ok`,
		`write /run/r: ok, read back "written /run/r\n" ok`,
		`list /run: [r] ok`,
		`read a b (/work/a b): "" no such file or directory`,
		`read  (/work): "" no such file or directory`,
	}, "\n") + "\n"
	if !strings.Contains(string(got), want) {
		t.Errorf("container output:\n%s\nwant (as a block):\n%s", got, want)
	}
	if hashTree(t, root) != before || hashTree(t, vol) != vbefore {
		t.Error("the container's writes reached the host (bundle rootfs or volume changed)")
	}

	// A writable bind mount cannot be shared with a unikernel: refused at create.
	s.Mounts = []specs.Mount{{Destination: "/data", Source: vol, Type: "bind", Options: []string{"rbind"}}}
	b2 := e.bundle(s)
	os.WriteFile(filepath.Join(b2, "rootfs", "app.spt"), catfilesImage(t), 0o755)
	e.fails("a writable bind mount", "create", "-b", b2, "lf2")
	e.checkClean()
}
