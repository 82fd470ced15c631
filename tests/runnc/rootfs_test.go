// The rootfs disk end to end: a guest whose manifest declares "rootfs" gets the bundle's
// rootfs as a ustar disk, cached across starts, shared read-only: its writes fail (an
// error it can handle, not a kill) and never reach the cache.
package runnc

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// rootfsGuest is test_blk with its block device renamed from "storage" to "rootfs"
// (the manifest entry and the name it acquires, both "storage\0" in the image).
func rootfsGuest(t *testing.T, target string) []byte {
	b, err := os.ReadFile(image(t, "test_blk."+target))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("storage\x00")); n != 2 {
		t.Fatalf("test_blk.%s holds %d copies of \"storage\\0\", want 2 (manifest and acquire)", target, n)
	}
	return bytes.ReplaceAll(b, []byte("storage\x00"), []byte("rootfs\x00\x00"))
}

func TestRootfsDisk(t *testing.T) {
	e := newEnv(t)
	s := helloSpec()
	s.Process.Args = []string{"/blk.spt"}
	hosts := filepath.Join(e.tmp, "hosts")
	os.WriteFile(hosts, []byte("10.1.2.3 myhost\n"), 0o644)
	s.Mounts = []specs.Mount{{Destination: "/etc/hosts", Source: hosts, Type: "bind", Options: []string{"rbind", "ro"}}}
	b := e.bundle(s)
	os.WriteFile(filepath.Join(b, "rootfs", "blk.spt"), rootfsGuest(t, "spt"), 0o755)
	os.MkdirAll(filepath.Join(b, "rootfs", "data"), 0o755)
	os.WriteFile(filepath.Join(b, "rootfs", "data", "file.txt"), bytes.Repeat([]byte("x"), 5000), 0o644)

	out := filepath.Join(e.tmp, "out")
	log := filepath.Join(e.tmp, "log")
	// test_blk starts by writing: on the read-only disk that write fails and the guest
	// exits through its own failure path (solo5_exit(1)); a seccomp kill would be SIGSYS.
	if r := e.runOut(out, "--debug", "--log", log, "run", "-b", b, "r1"); r.code != 1 {
		got, _ := os.ReadFile(out)
		t.Fatalf("run: exit %d, want 1 (the guest's failed write): %s\n%s", r.code, r.stderr, got)
	}
	if got := waitFile(t, out, "FAILURE: block write failed"); !strings.Contains(got, "acquired 'rootfs' as block device") {
		t.Errorf("guest did not use its rootfs disk:\n%s", got)
	}
	cache, _ := filepath.Glob(filepath.Join(e.root, ".cache", "rootfs-*.tar"))
	if len(cache) != 1 {
		t.Fatalf("cache holds %v, want one image", cache)
	}
	if lb, _ := os.ReadFile(log); !regexp.MustCompile(`rootfs disk \\?"` + regexp.QuoteMeta(cache[0]) + `\\?" \(read-only\)`).Match(lb) {
		t.Errorf("tender not given the cached image read-only:\n%s", lb)
	}
	img, _ := os.ReadFile(cache[0])
	sum1 := sha256.Sum256(img)
	files := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(img))
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		d, _ := io.ReadAll(tr)
		files[h.Name] = string(d)
	}
	if files["etc/hosts"] != "10.1.2.3 myhost\n" || len(files["data/file.txt"]) != 5000 {
		t.Errorf("disk entries: %d, etc/hosts %q", len(files), files["etc/hosts"])
	}
	if _, ok := files["blk.spt"]; ok {
		t.Error("the unikernel is on its own disk")
	}
	// The guest tried to write: the cached image is untouched.
	st1, _ := os.Stat(cache[0])
	// Second start: the same image, no rebuild.
	if r := e.runOut(out, "--debug", "--log", log, "run", "-b", b, "r2"); r.code != 1 {
		t.Fatalf("second run: exit %d: %s", r.code, r.stderr)
	}
	img2, _ := os.ReadFile(cache[0])
	st2, _ := os.Stat(cache[0])
	if sha256.Sum256(img2) != sum1 || !os.SameFile(st1, st2) {
		t.Error("the cached image changed")
	}
	lb, _ := os.ReadFile(log)
	if c := strings.Count(string(lb), "(cached: true)"); c != 1 {
		t.Errorf("second start rebuilt the image (%d cache hits in the log)\n%s", c, lb)
	}
}

// On nabla-hvt too the read-only disk makes the guest's write fail, not the tender.
func TestRootfsDiskHvt(t *testing.T) {
	if _, err := os.Stat("/dev/kvm"); err != nil {
		t.Fatalf("hvt needs /dev/kvm: %v", err)
	}
	e := newEnv(t)
	s := helloSpec()
	s.Process.Args = []string{"/blk.hvt"}
	b := e.bundle(s)
	os.WriteFile(filepath.Join(b, "rootfs", "blk.hvt"), rootfsGuest(t, "hvt"), 0o755)
	os.WriteFile(filepath.Join(b, "rootfs", "file.txt"), []byte("data"), 0o644)
	out := filepath.Join(e.tmp, "out")
	if r := e.runOut(out, "run", "-b", b, "h1"); r.code != 1 {
		got, _ := os.ReadFile(out)
		t.Fatalf("run: exit %d, want 1 (the guest's failed write): %s\n%s", r.code, r.stderr, got)
	}
	if got := waitFile(t, out, "FAILURE: block write failed"); !strings.Contains(got, "acquired 'rootfs' as block device") {
		t.Errorf("guest did not use its rootfs disk:\n%s", got)
	}
}
