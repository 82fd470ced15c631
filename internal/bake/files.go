// Where bake finds the prebuilt libOS image and the tender, and the cache of baked images.
package bake

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
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
	for _, n := range o.Nets {
		h.Write([]byte{0, 'n'})
		h.Write([]byte(n))
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

// stampVersion changes when what a stamp covers changes, so old stamps stop matching.
const stampVersion = "stamp1"

// StampPath is the name `nabla run` tries first, before reading any input: keyed by what
// stat says of the app and the libOS (device, inode, size, mtime and ctime, to the
// nanosecond) and the options, so a hit costs two stat calls instead of hashing
// megabytes. The entry is a symbolic link to the content-keyed CachePath image, made by
// LinkStamp after a full (hashing) lookup. Any write to either file moves its ctime and
// mtime, and a replaced file has a new inode: the stamp then misses, and the content
// hash decides whether a bake is needed.
func StampPath(appPath, libosPath string, o Options) (string, error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(stampVersion))
	for _, p := range []string{appPath, libosPath} {
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil {
			return "", fmt.Errorf("%s: %v", p, err)
		}
		var b [8 * 7]byte
		for i, v := range []uint64{uint64(st.Dev), uint64(st.Ino), uint64(st.Size),
			uint64(st.Mtim.Sec), uint64(st.Mtim.Nsec), uint64(st.Ctim.Sec), uint64(st.Ctim.Nsec)} {
			binary.LittleEndian.PutUint64(b[8*i:], v)
		}
		h.Write(b[:])
	}
	for _, s := range []string{o.Arch, appName(o.Name)} {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	for _, d := range o.Disks {
		h.Write([]byte{0, 'd'})
		h.Write([]byte(d))
	}
	for _, n := range o.Nets {
		h.Write([]byte{0, 'n'})
		h.Write([]byte(n))
	}
	return filepath.Join(dir, "stamp", hex.EncodeToString(h.Sum(nil))[:32]+".spt"), nil
}

// LinkStamp points the stamp entry at image (a CachePath), replacing it atomically.
func LinkStamp(stamp, image string) error {
	if err := os.MkdirAll(filepath.Dir(stamp), 0o755); err != nil {
		return err
	}
	// Relative, so a cache directory that moves (or is named relatively) keeps working.
	target, err := filepath.Rel(filepath.Dir(stamp), image)
	if err != nil {
		target = image
	}
	tmp := fmt.Sprintf("%s.%d.tmp", stamp, os.Getpid())
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, stamp); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
