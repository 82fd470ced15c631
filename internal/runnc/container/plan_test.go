// Tests of the tender command line: memory, the rootfs disk only when declared, config.
package container

import (
	"archive/tar"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/mft"
	"github.com/nabla-containers/nabla/internal/runnc/netns"
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

func argv(t *testing.T, p *plan, disk string) []string {
	l, err := p.launch(disk)
	if err != nil {
		t.Fatal(err)
	}
	a, err := l.Argv(7, -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestNetworkArgs(t *testing.T) {
	p := testPlan(t, mft.Entry{Name: "service", Type: abi.MFTNetBasic})
	if _, err := p.launch(""); err == nil || !strings.Contains(err.Error(), "needs a network namespace") {
		t.Errorf("NIC without netns: %v", err)
	}
	p.newNet = true
	l, err := p.launch("")
	if err != nil || l.NetDevice != "service" {
		t.Fatalf("launch: %+v %v", l, err)
	}
	cfg := &netns.Config{Addr: net.IPv4(172, 17, 0, 2).To4(), Prefix: 32, Gateway: net.IPv4(169, 254, 1, 1).To4(), MAC: net.HardwareAddr{2, 0x42, 0xac, 0x11, 0, 2}}
	a, err := l.Argv(-1, 5, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(a, " ")
	for _, w := range []string{"--net:service=@5", "--net-mac:service=02:42:ac:11:00:02",
		`"net":{"if":"ukvmif0","cloner":"True","type":"inet","method":"static","addr":"172.17.0.2","mask":"32","gw":"169.254.1.1"}`} {
		if !strings.Contains(got, w) {
			t.Errorf("argv %q lacks %q", got, w)
		}
	}
	// A tap without eth0 configuration: the NIC is attached, no "net" key.
	a, _ = l.Argv(-1, 5, nil)
	if got := strings.Join(a, " "); !strings.Contains(got, "--net:service=@5") || strings.Contains(got, `"net"`) {
		t.Errorf("unconfigured NIC argv %q", got)
	}
	p.bundle.Spec.Annotations = map[string]string{PlainAnnotation: "plain"}
	l, _ = p.launch("")
	if a, _ := l.Argv(-1, -1, nil); a[len(a)-1] != "-v" {
		t.Errorf("plain command line %q", a[len(a)-1])
	}
	p = testPlan(t, mft.Entry{Name: "a", Type: abi.MFTNetBasic}, mft.Entry{Name: "b", Type: abi.MFTNetBasic})
	p.newNet = true
	if _, err := p.launch(""); err == nil || !strings.Contains(err.Error(), "2 network devices") {
		t.Errorf("two NICs: %v", err)
	}
}

func TestArgvWithoutRootfs(t *testing.T) {
	p := testPlan(t, mft.Entry{Name: "storage", Type: abi.MFTBlockBasic}, mft.Entry{Name: "rootfs", Type: abi.MFTNetBasic})
	p.newNet = true
	disk, err := p.disk(t.TempDir())
	if err != nil || disk != "" {
		t.Fatalf("disk = %q, %v; want none (no BLOCK device named rootfs)", disk, err)
	}
	a := argv(t, p, disk)
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
	a := argv(t, p, disk)
	// The cached image itself, as the read-only descriptor init opens (7 in argv()).
	if a[2] != "--block:rootfs=@7" || !strings.Contains(a[len(a)-1], `"blk":{"source":"etfs","path":"rootfs","fstype":"ustar","mountpoint":"/"}`) {
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
