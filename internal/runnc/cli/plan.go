// Turning a bundle into the tender's command line (image, memory, rootfs disk, config).
package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/runnc/rootfs"
	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

// plan is everything create decided before starting processes.
type plan struct {
	bundle *specconv.Bundle
	image  *specconv.Image
	tender string
	memMB  uint64
	netns  string // path to join, or ""
	newNet bool   // create a new network namespace
}

// makePlan loads and checks the bundle; it creates nothing.
func makePlan(bundleDir string) (*plan, error) {
	b, err := specconv.LoadBundle(bundleDir)
	if err != nil {
		return nil, err
	}
	img, err := b.FindImage()
	if err != nil {
		return nil, err
	}
	mem, err := b.MemoryMB()
	if err != nil {
		return nil, err
	}
	if err := img.Elf.CheckMemory(mem << 20); err != nil {
		return nil, err
	}
	t, err := findTender(img.Target)
	if err != nil {
		return nil, err
	}
	p := &plan{bundle: b, image: img, tender: t, memMB: mem}
	p.netns, p.newNet = b.NetNS()
	if p.netns != "" {
		p.newNet = false
		if _, err := os.Stat(p.netns); err != nil {
			return nil, fmt.Errorf("network namespace %s: %v", p.netns, errors.Unwrap(err))
		}
	}
	return p, nil
}

// disk builds (or finds in the cache) the rootfs image when the unikernel's manifest
// declares a block device called rootfs. It returns "" when no disk is attached.
func (p *plan) disk(cacheDir string) (string, error) {
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

// argv is the tender's argv: options, the image, then the JSON configuration.
func (p *plan) argv(disk string) ([]string, error) {
	cfg := p.bundle.GuestConfig()
	a := []string{filepath.Base(p.tender), "--mem=" + strconv.FormatUint(p.memMB, 10)}
	if disk != "" {
		a = append(a, "--block:rootfs="+disk)
		cfg.Blk = &specconv.Block{Source: "etfs", Path: "rootfs", FSType: "ustar", Mountpoint: "/"}
	}
	cmdline, err := cfg.Cmdline()
	if err != nil {
		return nil, err
	}
	return append(a, "--", p.image.Path, cmdline), nil
}
