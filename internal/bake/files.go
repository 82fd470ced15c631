// Where bake finds the prebuilt libOS image and the tender, and the cache of baked images.
package bake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// LibOSFile is the libOS image for arch: explicit if given, else $NABLA_LIBOS_DIR/<arch>/libos.spt,
// else next to the nabla binary (the build tree's guest/libos/build, or an installed lib/nabla).
func LibOSFile(explicit, arch string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	var cands []string
	if d := os.Getenv("NABLA_LIBOS_DIR"); d != "" {
		cands = append(cands, filepath.Join(d, arch, "libos.spt"))
	}
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		cands = append(cands,
			filepath.Join(dir, "..", "guest", "libos", "build", arch, "libos.spt"),
			filepath.Join(dir, "..", "..", "guest", "libos", "build", arch, "libos.spt"),
			filepath.Join(dir, "..", "lib", "nabla", "libos-"+arch+".spt"))
	}
	for _, c := range cands {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return c, nil
		}
	}
	return "", fmt.Errorf("no libOS image for %s (build it with `make -C guest/libos ARCH=%s`, or give --libos)", arch, arch)
}

// TenderFile is the nabla-spt to run: explicit, else next to the nabla binary.
func TenderFile(explicit string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find nabla-spt: %v", err)
	}
	p := filepath.Join(filepath.Dir(exe), "nabla-spt")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("cannot find nabla-spt next to %s (give --tender)", exe)
	}
	return p, nil
}

// CachePath is where the bake of (libos, app, name) lives: keyed by content, so a rebuilt
// app or libOS gets a fresh image.
func CachePath(libos, app []byte, o Options) (string, error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, b := range [][]byte{libos, {0}, app, {0}, []byte(o.Arch), {0}, []byte(appName(o.Name))} {
		h.Write(b)
	}
	// Disk names are alphanumeric: NUL-separated they cannot collide.
	for _, d := range o.Disks {
		h.Write([]byte{0, 'd'})
		h.Write([]byte(d))
	}
	return filepath.Join(dir, hex.EncodeToString(h.Sum(nil))[:32]+".spt"), nil
}

// CacheDir is where `nabla run` keeps what it builds: $NABLA_CACHE_DIR, else the user
// cache directory's nabla/baked. Baked images are files in it; disks go below.
func CacheDir() (string, error) {
	if dir := os.Getenv("NABLA_CACHE_DIR"); dir != "" {
		return dir, nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %v (set NABLA_CACHE_DIR)", err)
	}
	return filepath.Join(c, "nabla", "baked"), nil
}
