// Tests of disks in the manifest: Bake with Options.Disks, WithDisks, and the tender's binder on the result.
package bake

import (
	"bytes"
	"debug/elf"
	"strings"
	"testing"

	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/mft"
	"github.com/nabla-containers/nabla/internal/tender"
)

// decls reads the manifest of img as the spt tender does (internal/spt/prepare.go).
func decls(t *testing.T, img []byte) []tender.Decl {
	t.Helper()
	im, err := nelf.Parse(bytes.NewReader(img), int64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	if im.Manifest == nil {
		t.Fatal("no manifest")
	}
	m, err := mft.Parse(im.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]tender.Decl, len(m.Entries))
	for i, e := range m.Entries {
		out[i] = tender.Decl{Name: e.Name, Type: tender.DevType(e.Type)}
	}
	return out
}

func blocks(names ...string) *tender.Options {
	o := &tender.Options{}
	for _, n := range names {
		o.Blocks = append(o.Blocks, tender.BlockOpt{Name: n, Path: "/dev/null"})
	}
	return o
}

func TestBakeDisks(t *testing.T) {
	lib, app := fakeLibOS(elf.EM_X86_64), fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x400000)
	plain, err := Bake(lib, app, Options{Arch: "x86_64"})
	if err != nil {
		t.Fatal(err)
	}
	if d := decls(t, plain); len(d) != 1 {
		t.Fatalf("no --disk: manifest %+v", d)
	}
	img, err := Bake(lib, app, Options{Arch: "x86_64", Disks: []string{"rootfs", "vol1"}})
	if err != nil {
		t.Fatal(err)
	}
	d := decls(t, img)
	if len(d) != 3 || d[1] != (tender.Decl{Name: "rootfs", Type: tender.DevBlock}) || d[2] != (tender.Decl{Name: "vol1", Type: tender.DevBlock}) {
		t.Fatalf("manifest %+v", d)
	}
	// The binder accepts exactly these devices.
	if err := tender.Check(blocks("rootfs", "vol1"), d); err != nil {
		t.Fatalf("both attached: %v", err)
	}
	if err := tender.Check(blocks("rootfs"), d); err == nil || !strings.Contains(err.Error(), "'vol1'") {
		t.Fatalf("vol1 missing: %v", err)
	}
	if err := tender.Check(blocks("rootfs", "vol1", "vol2"), d); err == nil || !strings.Contains(err.Error(), "'vol2'") {
		t.Fatalf("vol2 extra: %v", err)
	}
	if err := tender.Check(blocks("rootfs"), decls(t, plain)); err == nil {
		t.Fatal("a disk accepted by an image without disks")
	}
	// The segments are untouched; the cache key sees the disks.
	a, _ := nelf.Parse(bytes.NewReader(plain), int64(len(plain)))
	b, _ := nelf.Parse(bytes.NewReader(img), int64(len(img)))
	if len(a.Segments) != len(b.Segments) || a.Entry != b.Entry {
		t.Fatal("segments changed")
	}
	k1, _ := CachePath(lib, app, Options{Arch: "x86_64"})
	k2, _ := CachePath(lib, app, Options{Arch: "x86_64", Disks: []string{"rootfs"}})
	k3, _ := CachePath(lib, app, Options{Arch: "x86_64", Disks: []string{"rootfs", "vol1"}})
	if k1 == k2 || k2 == k3 {
		t.Fatal("disks not in the cache key")
	}
}

func TestWithDisks(t *testing.T) {
	lib, app := fakeLibOS(elf.EM_AARCH64), fakeApp(elf.EM_AARCH64, elf.ET_EXEC, 0x400000)
	img, err := Bake(lib, app, Options{})
	if err != nil {
		t.Fatal(err)
	}
	one, err := WithDisks(img, []string{"rootfs"})
	if err != nil {
		t.Fatal(err)
	}
	if d := decls(t, one); len(d) != 2 || d[1].Name != "rootfs" {
		t.Fatalf("manifest %+v", d)
	}
	// Again on the result: replaced, not stacked.
	two, err := WithDisks(one, []string{"rootfs", "vol1", "vol2"})
	if err != nil {
		t.Fatal(err)
	}
	if d := decls(t, two); len(d) != 4 || d[3].Name != "vol2" {
		t.Fatalf("manifest %+v", d)
	}
	back, err := WithDisks(two, []string{"rootfs"})
	if err != nil || !bytes.Equal(back, one) {
		t.Fatalf("re-manifesting is not idempotent (%d vs %d bytes): %v", len(back), len(one), err)
	}
	none, err := WithDisks(two, nil)
	if err != nil || len(decls(t, none)) != 1 {
		t.Fatalf("no disks: %v", err)
	}
	for _, bad := range [][]string{{"root fs"}, {""}, {"a", "a"}, {strings.Repeat("x", 68)}} {
		if _, err := WithDisks(img, bad); err == nil {
			t.Errorf("disks %q accepted", bad)
		}
	}
	if _, err := Bake(lib, app, Options{Disks: []string{"bad-name"}}); err == nil {
		t.Error("Bake accepted a bad disk name")
	}
	// Only libOS images: a Solo5 image's manifest is its own.
	if _, err := WithDisks(fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x400000), []string{"rootfs"}); err == nil {
		t.Error("a non-libOS file accepted")
	}
}
