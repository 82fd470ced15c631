// The disks of a libOS image: the rootfs, one per bind mount, and the image re-manifested to declare them.
package container

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nabla-containers/nabla/internal/bake"
	"github.com/nabla-containers/nabla/internal/runnc/initproc"
	"github.com/nabla-containers/nabla/internal/runnc/rootfs"
)

// maxImage bounds the libOS image read for re-manifesting.
const maxImage = 1 << 30

// libosDisks builds (or finds in the cache) the rootfs disk and the bind mounts' disks,
// and the image whose manifest declares exactly them. It returns the rootfs disk.
func (p *plan) libosDisks(cacheDir string) (string, error) {
	// A unikernel image is left out of its rootfs; a program stays (it may read itself).
	var skip []string
	if p.app == nil {
		skip = append(skip, strings.TrimPrefix(p.image.Guest, "/"))
	}
	res, err := rootfs.Image(p.bundle.Rootfs, cacheDir, rootfs.Options{Skip: skip})
	if err != nil {
		return "", err
	}
	names := []string{"rootfs"}
	p.volumes = nil
	for _, m := range p.mounts {
		if m.Source == "" {
			continue
		}
		var r *rootfs.Result
		if m.Mount.File != "" {
			r, err = rootfs.FileImage(m.Source, m.Mount.File, cacheDir)
		} else {
			r, err = rootfs.Image(m.Source, cacheDir, rootfs.Options{})
		}
		if err != nil {
			return "", fmt.Errorf("mount %s: %v", m.Mount.Path, err)
		}
		p.volumes = append(p.volumes, initproc.Volume{Name: m.Mount.Dev, Path: r.Path})
		names = append(names, m.Mount.Dev)
	}
	if p.app != nil {
		p.imagePath, err = p.bakeApp(cacheDir)
	} else {
		p.imagePath, err = remanifest(p.image.Path, names, cacheDir)
	}
	if err != nil {
		return "", err
	}
	logf("debug", "libOS image %s with disks %v", p.imagePath, names)
	return res.Path, nil
}

// remanifest returns the cached copy of the image at src declaring disks, keyed by the
// image's content and the disk names.
func remanifest(src string, disks []string, cacheDir string) (string, error) {
	img, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	if len(img) > maxImage {
		return "", fmt.Errorf("%s: larger than %d bytes", src, maxImage)
	}
	h := sha256.New()
	h.Write(img)
	h.Write([]byte("\x00" + strings.Join(disks, "\x00")))
	dst := filepath.Join(cacheDir, "image-"+hex.EncodeToString(h.Sum(nil))[:40]+".spt")
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	out, err := bake.WithDisks(img, disks)
	if err != nil {
		return "", fmt.Errorf("process.args[0]: %v", err)
	}
	if err := writeCached(cacheDir, dst, out); err != nil {
		return "", err
	}
	return dst, nil
}
