// Finding and checking the unikernel image named by process.args[0].
package specconv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/mft"
)

// Image is a checked unikernel image.
type Image struct {
	Path   string // host path
	Guest  string // path in the rootfs, symbolic links resolved
	Target string // "spt" or "hvt"; "" for an App
	// App: not a Solo5 image but (perhaps) a Linux program to bake with the libOS.
	App      bool
	Size     int64
	Elf      *elf.Image
	Manifest *mft.Manifest // nil when the image has no manifest
}

// TargetOf maps an image file name to its tender target.
func TargetOf(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".spt", ".nabla":
		return "spt", nil
	case ".hvt":
		return "hvt", nil
	}
	return "", fmt.Errorf("process.args[0] %q is not a unikernel image (want a .spt, .hvt or .nabla file)", name)
}

// FindImage resolves args[0] in the rootfs (Resolve). A Solo5 unikernel (an ELF with
// Solo5's notes; .spt, .hvt and .nabla must be one) is validated: this host's
// architecture, the target its extension or its ABI note names. Anything else is a
// Linux program for the libOS: Image.App is set and CheckApp says whether it can run.
func (b *Bundle) FindImage() (*Image, error) {
	name := b.Spec.Process.Args[0]
	e, err := b.Resolve()
	if err != nil {
		return nil, err
	}
	bad := func(err error) error {
		return fmt.Errorf("process.args[0] %q (%s in the rootfs): %v", name, e.Guest, err)
	}
	f, err := os.Open(e.Host)
	if err != nil {
		return nil, bad(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, bad(err)
	}
	if !st.Mode().IsRegular() {
		return nil, bad(fmt.Errorf("not a regular file"))
	}
	target, terr := TargetOf(name)
	img, err := elf.Parse(f, st.Size())
	if err != nil {
		if terr == nil {
			return nil, bad(fmt.Errorf("not a Solo5 unikernel: %v", err))
		}
		return &Image{Path: e.Host, Guest: e.Guest, App: true, Size: st.Size()}, nil
	}
	if terr != nil {
		switch img.ABITarget {
		case abi.TargetSPT:
			target = "spt"
		case abi.TargetHVT:
			target = "hvt"
		default:
			return nil, bad(fmt.Errorf("a Solo5 image for target %d, which runnc does not run", img.ABITarget))
		}
	}
	if err := img.CheckMachine(runtime.GOARCH); err != nil {
		return nil, bad(err)
	}
	want := uint32(abi.TargetSPT)
	if target == "hvt" {
		want = abi.TargetHVT
	}
	if err := img.CheckTarget(want); err != nil {
		return nil, bad(err)
	}
	out := &Image{Path: e.Host, Guest: e.Guest, Target: target, Elf: img}
	if img.Manifest != nil {
		m, err := mft.Parse(img.Manifest)
		if err != nil {
			return nil, bad(err)
		}
		out.Manifest = m
	}
	return out, nil
}

// Device reports whether the image's manifest declares a device name of type typ.
func (im *Image) Device(name string, typ uint32) bool {
	if im.Manifest == nil {
		return false
	}
	i, ok := im.Manifest.Index(name)
	return ok && im.Manifest.Entries[i].Type == typ
}

// Devices returns the names of the manifest's devices of type typ, in manifest order.
func (im *Image) Devices(typ uint32) []string {
	var out []string
	if im.Manifest == nil {
		return nil
	}
	for i, e := range im.Manifest.Entries {
		if i > 0 && e.Type == typ {
			out = append(out, e.Name)
		}
	}
	return out
}

// IsPause reports whether the process is a Kubernetes sandbox's pause program
// (args[0] named "pause", not a unikernel image): runnc keeps the pod's namespaces
// alive with its init instead of running it, as nabla's runnc did.
func (b *Bundle) IsPause() bool {
	a := b.Spec.Process.Args[0]
	_, err := TargetOf(a)
	return err != nil && filepath.Base(a) == "pause"
}
