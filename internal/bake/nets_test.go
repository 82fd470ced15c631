// Tests of network devices in the manifest: Bake with Options.Nets, kept by WithDisks.
package bake

import (
	"debug/elf"
	"testing"

	"github.com/nabla-containers/nabla/internal/tender"
)

func TestBakeNets(t *testing.T) {
	lib, app := fakeLibOS(elf.EM_X86_64), fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x400000)
	img, err := Bake(lib, app, Options{Arch: "x86_64", Disks: []string{"rootfs"}, Nets: []string{"service"}})
	if err != nil {
		t.Fatal(err)
	}
	d := decls(t, img)
	if len(d) != 3 || d[1] != (tender.Decl{Name: "rootfs", Type: tender.DevBlock}) || d[2] != (tender.Decl{Name: "service", Type: tender.DevNet}) {
		t.Fatalf("manifest %+v", d)
	}
	o := blocks("rootfs")
	if err := tender.Check(o, d); err == nil {
		t.Fatal("the NIC missing, accepted")
	}
	o.Nets = []tender.NetOpt{{Name: "service", Spec: "tap0"}}
	if err := tender.Check(o, d); err != nil {
		t.Fatalf("disk and NIC attached: %v", err)
	}
	// runnc re-manifests the disks of a container: the NIC stays.
	re, err := WithDisks(img, []string{"rootfs", "vol1"})
	if err != nil {
		t.Fatal(err)
	}
	if d := decls(t, re); len(d) != 4 || d[3] != (tender.Decl{Name: "service", Type: tender.DevNet}) {
		t.Fatalf("after WithDisks: %+v", d)
	}
	for _, bad := range []Options{
		{Nets: []string{"a", "b"}},                  // one NIC
		{Nets: []string{"bad name"}},                // not a manifest name
		{Disks: []string{"x"}, Nets: []string{"x"}}, // one name, two devices
	} {
		if _, err := Bake(lib, app, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	k1, _ := CachePath(lib, app, Options{Arch: "x86_64"})
	k2, _ := CachePath(lib, app, Options{Arch: "x86_64", Nets: []string{"service"}})
	if k1 == k2 {
		t.Fatal("nets not in the cache key")
	}
}
