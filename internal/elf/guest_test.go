// Parses the guest images built in this tree (guest/build), when there are any.
package elf_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/mft"
)

// TestGuestImages checks that every image the guest Makefile produced passes the
// loader rules and carries a valid spt manifest. Without built guests there is nothing
// to check (the guest build is another step of `make`).
func TestGuestImages(t *testing.T) {
	paths, _ := filepath.Glob("../../guest/build/*/test_*.spt")
	if len(paths) == 0 {
		t.Skip("no guest images in guest/build; run make first")
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		img, err := nelf.Parse(f, st.Size())
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if err := img.CheckTarget(abi.TargetSPT); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if img.Manifest == nil {
			t.Errorf("%s: no manifest", p)
		} else if _, err := mft.Parse(img.Manifest); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if err := img.CheckMemory(abi.DefaultMemMiB << 20); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}
