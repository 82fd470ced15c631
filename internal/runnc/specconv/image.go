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
	Path     string // host path
	Target   string // "spt" or "hvt"
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

// inRootfs resolves name inside rootfs, following symlinks but never leaving rootfs.
func inRootfs(rootfs, name string) (string, error) {
	realRoot, err := filepath.EvalSymlinks(rootfs)
	if err != nil {
		return "", err
	}
	p := filepath.Join(realRoot, filepath.Clean("/"+name))
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("process.args[0] %q: not found in the rootfs", name)
	}
	if real != realRoot && !strings.HasPrefix(real, realRoot+string(filepath.Separator)) {
		return "", fmt.Errorf("process.args[0] %q: resolves outside the rootfs", name)
	}
	return real, nil
}

// FindImage resolves args[0] in the rootfs and validates the ELF image: Solo5 notes,
// this host's architecture, the target its extension names.
func (b *Bundle) FindImage() (*Image, error) {
	name := b.Spec.Process.Args[0]
	target, err := TargetOf(name)
	if err != nil {
		return nil, err
	}
	p, err := inRootfs(b.Rootfs, name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("process.args[0] %q: %v", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("process.args[0] %q: %v", name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("process.args[0] %q: not a regular file", name)
	}
	img, err := elf.Parse(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("process.args[0] %q: not a Solo5 unikernel: %v", name, err)
	}
	if err := img.CheckMachine(runtime.GOARCH); err != nil {
		return nil, fmt.Errorf("process.args[0] %q: %v", name, err)
	}
	want := uint32(abi.TargetSPT)
	if target == "hvt" {
		want = abi.TargetHVT
	}
	if err := img.CheckTarget(want); err != nil {
		return nil, fmt.Errorf("process.args[0] %q: %v", name, err)
	}
	out := &Image{Path: p, Target: target, Elf: img}
	if img.Manifest != nil {
		m, err := mft.Parse(img.Manifest)
		if err != nil {
			return nil, fmt.Errorf("process.args[0] %q: %v", name, err)
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
