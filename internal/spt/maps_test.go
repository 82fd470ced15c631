// Tests for reading the tender's address space limits from /proc/self/maps text.
package spt

import (
	"strings"
	"testing"
)

func TestParseAddrSpace(t *testing.T) {
	maps := `00010000-00100000 rw-p 00000000 00:00 0 
3d1720000000-3d1722000000 ---p 00000000 00:00 0 
561016963000-561016a26000 r-xp 00000000 fe:00 9978148                    /work/main/bin/nabla-spt
7ffd3c1e0000-7ffd3c201000 rw-p 00000000 00:00 0                          [stack]
`
	as, err := parseAddrSpace([]byte(maps))
	if err != nil {
		t.Fatal(err)
	}
	if as.lowest != 0x10000 || as.hardMax != 0x561016900000 {
		t.Fatalf("got lowest %#x hardMax %#x", as.lowest, as.hardMax)
	}
	// A truncated buffer still gives the lowest file mapping seen.
	as, err = parseAddrSpace([]byte(maps[:len(maps)-30]))
	if err != nil || as.hardMax != 0x561016900000 {
		t.Fatalf("truncated: %#x, %v", as.hardMax, err)
	}
	bad := map[string]string{
		"":                      "no mappings",
		"zz-10 r-xp 0 0:0 1 /x": "bad line",
		"00010000-00100000 r-xp 00000000 fe:00 1 /qemu/view\n": "mapped at 0x10000",
	}
	for in, want := range bad {
		if _, err := parseAddrSpace([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseAddrSpace(%q) = %v, want %q", in, err, want)
		}
	}
	// A non-PIE tender at 0x400000 leaves room for a guest of up to 4 MiB only.
	if as, err := parseAddrSpace([]byte("00400000-00500000 r-xp 00000000 fe:00 1 /usr/bin/nabla-spt\n")); err != nil || as.hardMax != 0x400000 {
		t.Errorf("non-PIE tender: hardMax %#x, %v", as.hardMax, err)
	}
	// This process: a real file mapping exists and lies above the lowest mapping.
	as, err = readAddrSpace()
	if err != nil && !strings.Contains(err.Error(), "buildmode=pie") {
		t.Fatal(err)
	}
	if err == nil && as.hardMax < as.lowest&^0xfffff {
		t.Fatalf("hardMax %#x below lowest %#x", as.hardMax, as.lowest)
	}
}
