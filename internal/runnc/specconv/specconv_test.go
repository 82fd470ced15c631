// Tests of bundle loading, image checks, memory and the rumprun JSON command line.
package specconv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func guest(t *testing.T, name string) string {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	p := filepath.Join("..", "..", "..", "guest", "build", arch, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("guest image %s missing (run make guest first): %v", p, err)
	}
	return p
}

func bundle(t *testing.T, s *specs.Spec, files map[string]string) string {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "rootfs"), 0o755)
	for name, src := range files {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "rootfs", name), b, 0o755)
	}
	if s != nil {
		b, _ := json.Marshal(s)
		os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644)
	}
	return dir
}

func spec(args ...string) *specs.Spec {
	return &specs.Spec{Version: specs.Version, Root: &specs.Root{Path: "rootfs"}, Process: &specs.Process{Args: args, Cwd: "/"}}
}

func TestLoadErrors(t *testing.T) {
	cases := map[string]func() string{
		"config.json not found": func() string { return bundle(t, nil, nil) },
		"invalid JSON": func() string {
			d := bundle(t, nil, nil)
			os.WriteFile(filepath.Join(d, "config.json"), []byte("{"), 0o644)
			return d
		},
		"does not exist": func() string {
			d := bundle(t, spec("/x.spt"), nil)
			os.RemoveAll(filepath.Join(d, "rootfs"))
			return d
		},
		"process.args": func() string { return bundle(t, spec(), nil) },
	}
	for want, mk := range cases {
		_, err := LoadBundle(mk())
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("want one-line error with %q, got %v", want, err)
		}
	}
}

func TestFindImage(t *testing.T) {
	hello := guest(t, "test_hello.spt")
	d := bundle(t, spec("/hello.spt"), map[string]string{"hello.spt": hello, "hello.nabla": hello, "hello.hvt": hello, "notelf.spt": "load.go", "plain": hello})
	b, err := LoadBundle(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"/hello.spt", "hello.nabla", "/../../hello.spt", "/plain"} {
		b.Spec.Process.Args = []string{a}
		img, err := b.FindImage()
		if err != nil || img.Target != "spt" {
			t.Errorf("FindImage(%s) = %v", a, err)
			continue
		}
		if img.Device("rootfs", 1) {
			t.Errorf("hello declares no rootfs")
		}
	}
	bad := map[string]string{
		"/missing.spt": "not found",
		"/notelf.spt":  "not a Solo5 unikernel",
		"/hello.hvt":   "not for the solo5-hvt target",
	}
	for a, want := range bad {
		b.Spec.Process.Args = []string{a}
		if _, err := b.FindImage(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("FindImage(%s) = %v, want %q", a, err, want)
		}
	}
	// A symlink pointing out of the rootfs is resolved inside it (absolute targets and
	// ".." are relative to the rootfs), so the host file is not reached.
	abs, _ := filepath.Abs(hello)
	os.Symlink(abs, filepath.Join(d, "rootfs", "out.spt"))
	os.Symlink("../../../../../../.."+abs, filepath.Join(d, "rootfs", "up.spt"))
	for _, a := range []string{"/out.spt", "/up.spt"} {
		b.Spec.Process.Args = []string{a}
		if _, err := b.FindImage(); err == nil || !strings.Contains(err.Error(), "not found in the rootfs") {
			t.Errorf("symlink escape %s: %v", a, err)
		}
	}
}

func TestWrongArch(t *testing.T) {
	other := map[string]string{"amd64": "aarch64", "arm64": "x86_64"}[runtime.GOARCH]
	p := filepath.Join("..", "..", "..", "guest", "build", other, "test_hello.spt")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("guest image %s missing (run make guest first)", p)
	}
	b, err := LoadBundle(bundle(t, spec("/h.spt"), map[string]string{"h.spt": p}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.FindImage(); err == nil || !strings.Contains(err.Error(), "this host is") {
		t.Errorf("wrong arch image: %v", err)
	}
}

func TestMemory(t *testing.T) {
	b := &Bundle{Spec: spec("/x.spt")}
	if m, err := b.MemoryMB(); err != nil || m != DefaultMemMB {
		t.Errorf("default = %d, %v", m, err)
	}
	set := func(v int64) {
		b.Spec.Linux = &specs.Linux{Resources: &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &v}}}
	}
	set(4 << 20)
	if m, _ := b.MemoryMB(); m != 4 {
		t.Errorf("4 MiB: %d (the libOS's floor is create's check)", m)
	}
	set(1<<20 - 1)
	if _, err := b.MemoryMB(); err == nil || err.Error() != "linux.resources.memory.limit is 1048575 bytes, less than 1 MiB" {
		t.Errorf("below 1 MiB: %v", err)
	}
	set(100<<20 + 5)
	if m, _ := b.MemoryMB(); m != 100 {
		t.Errorf("100 MiB: %d", m)
	}
	set(1 << 50)
	if _, err := b.MemoryMB(); err == nil || !strings.Contains(err.Error(), "more than the host") {
		t.Errorf("huge limit: %v", err)
	}
}

func TestCmdline(t *testing.T) {
	c := &Config{Env: []string{"A=1", "B=x y"}, Hostname: "h", Args: []string{"/app.spt", "a b", `q"`, ""}, Cwd: "/w",
		Blk: &Block{Source: "etfs", Path: "rootfs", FSType: "ustar", Mountpoint: "/"}}
	got, err := c.Cmdline()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"env":"A=1","env":"B=x y","hostname":"h","cmdline":"/app.spt \"a b\" \"q\\\"\" \"\"","blk":{"source":"etfs","path":"rootfs","fstype":"ustar","mountpoint":"/"},"cwd":"/w"}`
	if got != want {
		t.Errorf("Cmdline\n got %s\nwant %s", got, want)
	}
	// Without duplicate keys the document is valid JSON; check escaping that way.
	var v map[string]any
	c.Env = nil
	s, _ := c.Cmdline()
	if err := json.Unmarshal([]byte(s), &v); err != nil || v["cwd"] != "/w" {
		t.Errorf("not JSON: %s: %v", s, err)
	}
	c.Args = []string{"/a.spt", strings.Repeat("x", 9000)}
	if _, err := c.Cmdline(); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("long cmdline: %v", err)
	}
}

func TestIsPause(t *testing.T) {
	for args, want := range map[string]bool{"/pause": true, "pause": true, "/bin/pause": true, "/pause.spt": false, "/paused": false, "/app.spt": false} {
		b := &Bundle{Spec: spec(args)}
		if got := b.IsPause(); got != want {
			t.Errorf("IsPause(%s) = %v", args, got)
		}
	}
}
