// A Linux program as the entrypoint: checked at create, baked with the libOS once per content.
package container

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/nabla-containers/nabla/internal/bake"
	"github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

// maxApp bounds the program read into memory to be baked.
const maxApp = 1 << 30

// hostArch is the libOS's name of this host's architecture.
func hostArch() string {
	if runtime.GOARCH == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

// appPlan is what create knows of a program before baking: its bytes, the libOS image,
// the disks the baked image declares and the cache key of the result.
type appPlan struct {
	app, libos []byte
	libosPath  string
	disks      []string
	nets       []string // the NIC, when the container has a network namespace
	key        string
}

// AppNIC is the network device a baked program's manifest declares.
const AppNIC = "service"

// planApp reads and checks the program p.image names and the libOS image; the bake
// itself waits for the cache directory (bakeApp). Every refusal is one line naming the
// file and the reason.
func (p *plan) planApp() error {
	img := p.image
	name := p.bundle.Spec.Process.Args[0]
	bad := func(err error) error {
		return fmt.Errorf("process.args[0] %q (%s in the rootfs): %v", name, img.Guest, err)
	}
	if img.Size > maxApp {
		return bad(fmt.Errorf("larger than %d bytes", maxApp))
	}
	app, err := os.ReadFile(img.Path)
	if err != nil {
		return bad(err)
	}
	if err := specconv.CheckAppHead(app[:min(len(app), 64)], int64(len(app)), runtime.GOARCH); err != nil {
		return bad(err)
	}
	if err := bake.Check(app, hostArch()); err != nil {
		return bad(err)
	}
	// A dynamically linked program runs on its own ld.so, which the libOS loads from the
	// rootfs at start (then ld.so loads the libraries): the loader must be there.
	interp, err := bake.Interpreter(app)
	if err != nil {
		return bad(err)
	}
	if interp != "" {
		if err := p.bundle.RootFile(interp); err != nil {
			return bad(fmt.Errorf("is dynamically linked and its interpreter %s: %v", interp, err))
		}
	}
	lp, err := bake.LibOSFile("", hostArch())
	if err != nil {
		return fmt.Errorf("process.args[0] %q is a Linux program, which runs on the libOS: %v", name, err)
	}
	libos, err := os.ReadFile(lp)
	if err != nil {
		return fmt.Errorf("libOS image: %v", err)
	}
	a := &appPlan{app: app, libos: libos, libosPath: lp, disks: []string{"rootfs"}}
	a.nets = p.appNets()
	for _, m := range p.mounts {
		if m.Source != "" {
			a.disks = append(a.disks, m.Mount.Dev)
		}
	}
	h := sha256.New()
	for _, b := range [][]byte{[]byte("runnc-bake1"), libos, app} {
		fmt.Fprintf(h, "%d\x00", len(b))
		h.Write(b)
	}
	for _, d := range a.disks {
		fmt.Fprintf(h, "d%s\x00", d) // disk names are alphanumeric
	}
	for _, n := range a.nets {
		fmt.Fprintf(h, "n%s\x00", n)
	}
	a.key = hex.EncodeToString(h.Sum(nil))[:40]
	p.app = a
	return nil
}

// appNets are the NICs a baked program gets. A container with a network namespace of its
// own or joined (Docker's bridge, a Kubernetes pod) gets one, which init plugs into the
// namespace's eth0; on the host's network the program has none (a tap there would need
// the host's network to be runnc's to change).
func (p *plan) appNets() []string {
	if p.newNet || p.netns != "" {
		return []string{AppNIC}
	}
	return nil
}

// bakeApp returns the baked image in cacheDir, baking it when it is not there yet.
// The image's checks (memory) are made on the result, cached or not.
func (p *plan) bakeApp(cacheDir string) (string, error) {
	a := p.app
	name := p.bundle.Spec.Process.Args[0]
	dst := filepath.Join(cacheDir, "app-"+a.key+".spt")
	out, err := os.ReadFile(dst)
	cached := err == nil
	if !cached {
		out, err = bake.Bake(a.libos, a.app, bake.Options{Arch: hostArch(), Name: filepath.Base(p.image.Guest), Disks: a.disks, Nets: a.nets})
		if err != nil {
			return "", fmt.Errorf("process.args[0] %q (%s in the rootfs): %v", name, p.image.Guest, err)
		}
		if err := writeCached(cacheDir, dst, out); err != nil {
			return "", err
		}
	}
	im, err := elf.Parse(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		return "", fmt.Errorf("baked image %s: %v", dst, err)
	}
	if err := p.checkLibOSMem(im, p.image.Guest); err != nil {
		return "", err
	}
	if err := im.CheckMemory(p.memMB << 20); err != nil {
		return "", fmt.Errorf("process.args[0] %q: %v", name, err)
	}
	p.image.Elf = im
	logf("debug", "baked %s with %s into %s (cached: %v)", p.image.Guest, a.libosPath, dst, cached)
	return dst, nil
}

// writeCached puts b at dst atomically (a temporary file renamed), executable.
func writeCached(cacheDir, dst string, b []byte) error {
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return fmt.Errorf("image cache: %v", err)
	}
	f, err := os.CreateTemp(cacheDir, ".image-*")
	if err != nil {
		return fmt.Errorf("image cache: %v", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o755)
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("image cache: %v", err)
	}
	return nil
}
