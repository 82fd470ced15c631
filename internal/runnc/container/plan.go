// Turning a bundle into the tender's command line (image, memory, rootfs disk, config).
package container

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/bake"
	"github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/runnc/initproc"
	"github.com/nabla-containers/nabla/internal/runnc/rootfs"
	"github.com/nabla-containers/nabla/internal/runnc/specconv"
	"github.com/nabla-containers/nabla/internal/spt"
	"github.com/nabla-containers/nabla/internal/tender"
)

// plan is everything create decided before starting processes.
type plan struct {
	bundle *specconv.Bundle
	image  *specconv.Image
	tender string
	memMB  uint64
	netns  string // path to join, or ""
	newNet bool   // create a new network namespace
	// libOS images (a Nabla/LOS1 note) get the rootfs at / and the spec's mounts as
	// disks; their manifest is rewritten to declare them (imagePath: the cached result).
	libos     bool
	mounts    []specconv.GuestMount
	volumes   []initproc.Volume
	imagePath string
	app       *appPlan // the entrypoint is a Linux program, baked with the libOS
	rlimits   []specconv.Rlimit
}

// makePlan loads and checks the bundle; it creates nothing.
func makePlan(bundleDir string) (*plan, error) {
	b, err := specconv.LoadBundle(bundleDir)
	if err != nil {
		return nil, err
	}
	if b.IsPause() {
		// A Kubernetes sandbox: no unikernel, init just holds the pod's namespaces.
		p := &plan{bundle: b, image: &specconv.Image{}}
		p.netns, p.newNet = b.NetNS()
		return p, p.checkNetNS()
	}
	img, err := b.FindImage()
	if err != nil {
		return nil, err
	}
	mem, err := b.MemoryMB()
	if err != nil {
		return nil, err
	}
	if img.App {
		img.Target = "spt"
	} else if _, err := tender.MemBytes(mem, max(img.Elf.MemEnd, img.Elf.KernelEnd), math.MaxUint64); err != nil {
		return nil, fmt.Errorf("linux.resources.memory.limit: %v", err)
	} else if err := img.Elf.CheckMemory(mem << 20); err != nil {
		return nil, err
	}
	t, err := findTender(img.Target)
	if err != nil {
		return nil, err
	}
	p := &plan{bundle: b, image: img, tender: t, memMB: mem}
	if img.App || isLibOS(img.Elf) {
		p.libos = true
		if !img.App {
			if err := p.checkLibOSMem(img.Elf, img.Guest); err != nil {
				return nil, err
			}
		}
		if p.mounts, err = specconv.GuestMounts(b.Spec.Mounts); err != nil {
			return nil, err
		}
		if p.rlimits, err = b.Rlimits(); err != nil {
			return nil, err
		}
	}
	p.netns, p.newNet = b.NetNS()
	if img.App {
		if err := p.planApp(); err != nil {
			return nil, err
		}
	}
	return p, p.checkNetNS()
}

// isLibOS reports whether a Solo5 image is a baked libOS image (it carries the LOS1 note).
func isLibOS(im *elf.Image) bool {
	_, ok := im.Notes[elf.NoteKey{Name: bake.NoteName, Type: bake.NoteTypeLOS1}]
	return ok
}

// checkLibOSMem refuses a memory limit the libOS image cannot boot in (what the tender
// would refuse at start), in one line at create.
func (p *plan) checkLibOSMem(im *elf.Image, what string) error {
	need, err := spt.LibOSMinMemMiB(im)
	if err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	if p.memMB < need {
		return fmt.Errorf("linux.resources.memory.limit: %d MiB is less than the %d MiB the libOS needs to run %s", p.memMB, need, what)
	}
	return nil
}

func (p *plan) checkNetNS() error {
	if p.netns != "" {
		p.newNet = false
		if _, err := os.Stat(p.netns); err != nil {
			return fmt.Errorf("network namespace %s: %v", p.netns, errors.Unwrap(err))
		}
	}
	return nil
}

// disk builds (or finds in the cache) the rootfs image when the unikernel's manifest
// declares a block device called rootfs. It returns "" when no disk is attached.
func (p *plan) disk(cacheDir string) (string, error) {
	if p.libos {
		return p.libosDisks(cacheDir)
	}
	if !p.image.Device("rootfs", abi.MFTBlockBasic) {
		return "", nil
	}
	mounts := map[string]string{}
	for _, m := range p.bundle.Spec.Mounts {
		mounts[filepath.Clean(m.Destination)] = m.Source
	}
	extra, err := rootfs.EtcFiles(mounts)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(p.bundle.Rootfs, p.image.Path)
	var skip []string
	if err == nil && !strings.HasPrefix(rel, "..") {
		skip = append(skip, filepath.ToSlash(rel))
	}
	res, err := rootfs.Image(p.bundle.Rootfs, cacheDir, rootfs.Options{Extra: extra, Skip: skip})
	if err != nil {
		return "", err
	}
	logf("debug", "rootfs image %s (cached: %v)", res.Path, res.Cached)
	return res.Path, nil
}

// PlainAnnotation set to "plain" passes args[1:] as the guest's command line as they
// are, for unikernels that are not rumprun (the Solo5 test programs, MirageOS).
const PlainAnnotation = "org.nabla-containers.runnc.cmdline"

// DebugAnnotation shows what the guest prints before the program starts: "solo5" keeps
// the Solo5 banner and memory map in the container's output (libOS images and plain
// Solo5 images run with --solo5:quiet otherwise); "libos" adds the libOS's --libos:debug.
const DebugAnnotation = "org.nabla-containers.runnc.debug"

// PlainEnv=plain in process.env does the same as the annotation.
const PlainEnv = "RUNNC_CMDLINE"

// launch is what init needs to exec the tender. Memory and the disk are decided here;
// init adds the network once it is in the container's namespace.
func (p *plan) launch(disk string) (*initproc.Launch, error) {
	if p.image.Path == "" {
		return &initproc.Launch{Pause: true}, nil
	}
	l := &initproc.Launch{
		Tender: p.tender,
		Head:   []string{filepath.Base(p.tender), "--mem=" + strconv.FormatUint(p.memMB, 10)},
		Image:  p.image.Path,
		Guest:  p.bundle.GuestConfig(),
		Plain:  p.bundle.Spec.Annotations[PlainAnnotation] == "plain",
	}
	// Docker before API 1.43 cannot set annotations; an image's ENV can say the same.
	for _, e := range p.bundle.Spec.Process.Env {
		if e == PlainEnv+"=plain" {
			l.Plain = true
		}
	}
	// rumprun's own command line stays as nabla's runnc passed it: its older Solo5
	// bindings do not know --solo5: options.
	dbg := p.bundle.Spec.Annotations[DebugAnnotation]
	if (p.libos || l.Plain) && dbg != "solo5" && dbg != "libos" {
		l.GuestOpts = append(l.GuestOpts, "--solo5:quiet")
	}
	if p.libos && dbg == "libos" {
		l.GuestOpts = append(l.GuestOpts, "--libos:debug")
	}
	switch {
	case p.libos:
		l.Disk = disk
		l.Volumes = p.volumes
		l.SectorSize = rootfs.DiskBlock
		if p.imagePath != "" {
			l.Image = p.imagePath
		}
		l.Guest.LibOS = true
		// The app reads the container's stdin as runc's process would: the shim's pipe
		// (docker run -i), the terminal (-it), or /dev/null (end of file at once).
		l.Guest.Stdin = true
		l.Head = append(l.Head, "--stdin")
		l.Guest.Env = p.bundle.WithHome(l.Guest.Env, l.Guest.UID)
		l.Guest.ReadOnly = p.bundle.Spec.Root.Readonly
		l.Guest.Rlimits = p.rlimits
		l.Guest.Mounts = []specconv.Mount{{Dev: "rootfs", Path: "/"}}
		for _, m := range p.mounts {
			l.Guest.Mounts = append(l.Guest.Mounts, m.Mount)
		}
	case disk != "":
		l.Disk = disk
		l.Guest.Blk = &specconv.Block{Source: "etfs", Path: "rootfs", FSType: "ustar", Mountpoint: "/"}
	}
	nets := p.image.Devices(abi.MFTNetBasic)
	if p.app != nil {
		nets = p.app.nets // the image to bake declares them (create checks before it bakes)
	}
	switch {
	case len(nets) > 1:
		return nil, fmt.Errorf("the image declares %d network devices; runnc attaches one", len(nets))
	case len(nets) == 1:
		if !p.newNet && p.netns == "" {
			return nil, fmt.Errorf("the image declares network device %q; the container needs a network namespace in config.json", nets[0])
		}
		l.NetDevice = nets[0]
	}
	// Fail early on a command line that is too long even before the network is added.
	if _, err := l.Argv(-1, -1, nil); err != nil {
		return nil, err
	}
	return l, nil
}
