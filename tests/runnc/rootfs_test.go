// The rootfs disk end to end: a guest whose manifest declares "rootfs" gets the bundle's
// rootfs as a ustar disk, cached across starts, and its writes never reach the cache.
package runnc

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// rootfsGuest is test_blk with its block device renamed from "storage" to "rootfs"
// (the manifest entry and the name it acquires, both "storage\0" in the image).
func rootfsGuest(t *testing.T) []byte {
	b, err := os.ReadFile(image(t, "test_blk.spt"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("storage\x00")); n != 2 {
		t.Fatalf("test_blk.spt holds %d copies of \"storage\\0\", want 2 (manifest and acquire)", n)
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
	os.WriteFile(filepath.Join(b, "rootfs", "blk.spt"), rootfsGuest(t), 0o755)
	os.MkdirAll(filepath.Join(b, "rootfs", "data"), 0o755)
	os.WriteFile(filepath.Join(b, "rootfs", "data", "file.txt"), bytes.Repeat([]byte("x"), 5000), 0o644)

	out := filepath.Join(e.tmp, "out")
	log := filepath.Join(e.tmp, "log")
	if r := e.runOut(out, "--debug", "--log", log, "run", "-b", b, "r1"); r.code != 0 {
		got, _ := os.ReadFile(out)
		t.Fatalf("run: exit %d: %s\n%s", r.code, r.stderr, got)
	}
	if got := waitFile(t, out, "SUCCESS"); !strings.Contains(got, "acquired 'rootfs' as block device") {
		t.Errorf("guest did not use its rootfs disk:\n%s", got)
	}
	if lb, _ := os.ReadFile(log); !strings.Contains(string(lb), "--block:rootfs="+filepath.Join(e.root, "r1", "rootfs.disk")) {
		t.Errorf("tender not given the container's disk copy:\n%s", lb)
	}
	cache, _ := filepath.Glob(filepath.Join(e.root, ".cache", "rootfs-*.tar"))
	if len(cache) != 1 {
		t.Fatalf("cache holds %v, want one image", cache)
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
	// The guest wrote blocks all over its disk: the cached image is untouched.
	st1, _ := os.Stat(cache[0])
	// Second start: the same image, no rebuild.
	if r := e.runOut(out, "--debug", "--log", log, "run", "-b", b, "r2"); r.code != 0 {
		t.Fatalf("second run: %s", r.stderr)
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
