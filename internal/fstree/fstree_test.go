// Build is deterministic, Copy keeps what Listing sees, and Hash notices a change.
package fstree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildCopyHash(t *testing.T) {
	tmp := t.TempDir()
	a, b, c := filepath.Join(tmp, "a"), filepath.Join(tmp, "b"), filepath.Join(tmp, "c")
	for _, d := range []string{a, b} {
		if err := Build(d, Spec{Files: 300, BigMiB: 2}); err != nil {
			t.Fatal(err)
		}
	}
	ha, err := Hash(a)
	if err != nil {
		t.Fatal(err)
	}
	if hb, _ := Hash(b); hb != ha {
		la, _ := Listing(a)
		lb, _ := Listing(b)
		t.Fatalf("two builds differ:\n%s", Diff(la, lb))
	}
	if err := Copy(a, c); err != nil {
		t.Fatal(err)
	}
	if hc, _ := Hash(c); hc != ha {
		la, _ := Listing(a)
		lc, _ := Listing(c)
		t.Fatalf("copy differs:\n%s", Diff(la, lc))
	}
	l, _ := Listing(c)
	var hard, links int
	for _, s := range l {
		if contains(s, "hardlink-of=") {
			hard++
		}
		if contains(s, " -> ") {
			links++
		}
	}
	if hard != 2 || links < 10 || len(l) < 300 {
		t.Fatalf("listing has %d entries, %d hard links, %d symlinks", len(l), hard, links)
	}
	// Writing through one hard link of the copy changes it (and only it).
	if err := os.WriteFile(filepath.Join(c, "data/hard/two"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if hc, _ := Hash(c); hc == ha {
		t.Fatal("Hash did not notice a changed file")
	}
	if h, _ := Hash(a); h != ha {
		t.Fatal("writing the copy changed the original")
	}
	// A touched time is a change too.
	if err := os.Chtimes(filepath.Join(b, "etc"), Epoch, Epoch.Add(1)); err != nil {
		t.Fatal(err)
	}
	if hb, _ := Hash(b); hb == ha {
		t.Fatal("Hash did not notice a changed time")
	}
	if BigByteAt(0) == BigByteAt(4096) && BigByteAt(1) == BigByteAt(4097) {
		t.Fatal("big file pattern repeats at 4 KiB")
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
