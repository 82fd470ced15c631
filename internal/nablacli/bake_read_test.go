// Tests readWhole, the one-buffer file read of `nabla run` and `nabla bake`.
package nablacli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestReadWhole(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{0, 1, 4095, 4096, 100000} {
		want := bytes.Repeat([]byte{0xa5, 1, 2}, n)[:n]
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readWhole(p, 1<<20)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: got %d bytes, %v", n, len(got), err)
		}
		// Over the limit: cut at limit+1, so the caller sees it is too large.
		if n > 10 {
			got, err = readWhole(p, 10)
			if err != nil || len(got) != 11 || !bytes.Equal(got, want[:11]) {
				t.Fatalf("%d bytes, limit 10: got %d bytes, %v", n, len(got), err)
			}
		}
	}
	if _, err := readWhole(filepath.Join(dir, "missing"), 10); err == nil {
		t.Fatal("missing file: no error")
	}
	// /proc files report size 0 but have content: the buffer grows.
	got, err := readWhole("/proc/self/status", 1<<20)
	if err != nil || !bytes.Contains(got, []byte("VmData")) {
		t.Fatalf("/proc/self/status: %d bytes, %v", len(got), err)
	}
}
