// Tests of the tender command line: memory, the rootfs disk only when declared, config.
package cli

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/mft"
	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

func testPlan(t *testing.T, devices ...mft.Entry) *plan {
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	os.MkdirAll(filepath.Join(rootfs, "data"), 0o755)
	os.WriteFile(filepath.Join(rootfs, "app.spt"), []byte("image"), 0o755)
	os.WriteFile(filepath.Join(rootfs, "data", "x"), []byte("x"), 0o644)
	hosts := filepath.Join(dir, "hosts")
	os.WriteFile(hosts, []byte("10.0.0.2 app\n"), 0o644)
	s := &specs.Spec{
		Root:    &specs.Root{Path: "rootfs"},
		Process: &specs.Process{Args: []string{"/app.spt", "-v"}, Env: []string{"K=V"}, Cwd: "/data"},
		Mounts:  []specs.Mount{{Destination: "/etc/hosts", Source: hosts, Type: "bind"}},
	}
	m := &mft.Manifest{Entries: append([]mft.Entry{{Type: abi.MFTReservedFirst}}, devices...)}
	return &plan{
		bundle: &specconv.Bundle{Dir: dir, Rootfs: rootfs, Spec: s},
		image:  &specconv.Image{Path: filepath.Join(rootfs, "app.spt"), Target: "spt", Manifest: m},
		tender: "/opt/bin/nabla-spt",
		memMB:  64,
	}
}

func TestArgvWithoutRootfs(t *testing.T) {
	p := testPlan(t, mft.Entry{Name: "storage", Type: abi.MFTBlockBasic}, mft.Entry{Name: "rootfs", Type: abi.MFTNetBasic})
	disk, err := p.disk(t.TempDir())
	if err != nil || disk != "" {
		t.Fatalf("disk = %q, %v; want none (no BLOCK device named rootfs)", disk, err)
	}
	a, err := p.argv(disk)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"nabla-spt", "--mem=64", "--", p.image.Path, `{"env":"K=V","cmdline":"/app.spt -v","cwd":"/data"}`}
	if strings.Join(a, "|") != strings.Join(want, "|") {
		t.Errorf("argv\n got %q\nwant %q", a, want)
	}
}

func TestArgvWithRootfs(t *testing.T) {
	p := testPlan(t, mft.Entry{Name: "rootfs", Type: abi.MFTBlockBasic})
	cache := t.TempDir()
	disk, err := p.disk(cache)
	if err != nil || disk == "" {
		t.Fatalf("disk = %q, %v", disk, err)
	}
	a, err := p.argv(disk)
	if err != nil {
		t.Fatal(err)
	}
	if a[2] != "--block:rootfs="+disk || !strings.Contains(a[len(a)-1], `"blk":{"source":"etfs","path":"rootfs","fstype":"ustar","mountpoint":"/"}`) {
		t.Errorf("argv %q", a)
	}
	f, _ := os.Open(disk)
	defer f.Close()
	tr := tar.NewReader(f)
	names := map[string]string{}
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(tr)
		names[h.Name] = string(b)
	}
	if names["etc/hosts"] != "10.0.0.2 app\n" || names["data/x"] != "x" {
		t.Errorf("disk contents %v", names)
	}
	if _, ok := names["app.spt"]; ok {
		t.Error("the unikernel image itself is on the disk")
	}
	again, err := p.disk(cache)
	if err != nil || again != disk {
		t.Errorf("second start: %q, %v; want the cached %q", again, err, disk)
	}
}
