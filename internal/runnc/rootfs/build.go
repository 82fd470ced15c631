// Writing the ustar image and keeping it in the content-addressed cache.
package rootfs

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Options say what goes into the image besides the rootfs tree.
type Options struct {
	// Extra files (slash paths relative to /, e.g. "etc/hosts") replace or add to
	// the tree: the /etc files Docker and Kubernetes bind-mount.
	Extra map[string][]byte
	// Skip names paths (relative, slash) left out, such as the unikernel image.
	Skip []string
}

// DiskBlock is the block size libOS disks are attached with (--block-sector-size): the
// largest the tenders take, so that the guest reads its disks in few, large requests.
// Images are padded to a multiple of it (zeros after the archive's end, which tar readers
// ignore), as the tender requires of a disk.
const DiskBlock = 32768

// Result is the cached image.
type Result struct {
	Path   string
	Cached bool // true when no image work was needed
}

// Image returns the ustar image of root under cacheDir, building it only when no
// image with the same key exists. Concurrent builders of one key each write a
// temporary file and rename it into place; the content is the same, so either wins.
func Image(root, cacheDir string, o Options) (*Result, error) {
	skip := map[string]bool{}
	for _, s := range o.Skip {
		skip[strings.TrimPrefix(path.Clean("/"+s), "/")] = true
	}
	for n := range o.Extra {
		skip[n] = true
	}
	entries, err := scan(root, skip)
	if err != nil {
		return nil, err
	}
	return cached(cacheDir, entries, o.Extra)
}

// FileImage returns the image of one regular file src, stored under name (a single
// slash-free file name): the disk of a single-file bind mount (e.g. /etc/resolv.conf).
func FileImage(src, name, cacheDir string) (*Result, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return nil, fmt.Errorf("file image: bad name %q", name)
	}
	info, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file or directory", src)
	}
	return cached(cacheDir, []entry{{rel: name, abs: src, info: info}}, nil)
}

// cached writes the image of entries and extra into cacheDir unless it is there.
func cached(cacheDir string, entries []entry, extra map[string][]byte) (*Result, error) {
	k := key(entries, extra)
	dst := filepath.Join(cacheDir, "rootfs-"+k+".tar")
	if _, err := os.Stat(dst); err == nil {
		now := time.Now()
		_ = os.Chtimes(dst, now, now) // recency for whoever prunes the cache
		return &Result{Path: dst, Cached: true}, nil
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("rootfs cache: %v", err)
	}
	prune(cacheDir, time.Now())
	f, err := os.CreateTemp(cacheDir, ".rootfs-*")
	if err != nil {
		return nil, fmt.Errorf("rootfs cache: %v", err)
	}
	tmp := f.Name()
	err = write(f, entries, extra)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("rootfs image: %v", err)
	}
	return &Result{Path: dst}, nil
}

// inode identifies a file of the tree, for hard links.
type inode struct{ dev, ino uint64 }

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

func write(w io.Writer, entries []entry, extra map[string][]byte) error {
	cw := &counter{w: w}
	if err := writeTar(cw, entries, extra); err != nil {
		return err
	}
	if pad := (DiskBlock - cw.n%DiskBlock) % DiskBlock; pad > 0 {
		if _, err := w.Write(make([]byte, pad)); err != nil {
			return err
		}
	}
	return nil
}

func writeTar(w io.Writer, entries []entry, extra map[string][]byte) error {
	tw := tar.NewWriter(w)
	haveDir := map[string]bool{}
	first := map[inode]string{} // regular files with several names: the first name written
	for _, e := range entries {
		if e.info.Mode().IsRegular() {
			if st, ok := e.info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
				id := inode{uint64(st.Dev), st.Ino}
				if name, seen := first[id]; seen {
					if err := writeHardLink(tw, e, name); err != nil {
						return err
					}
					continue
				}
				first[id] = e.rel
			}
		}
		if err := writeEntry(tw, e); err != nil {
			return err
		}
		if e.info.IsDir() {
			haveDir[e.rel] = true
		}
	}
	names := make([]string, 0, len(extra))
	for n := range extra {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		// Parent directories the tree lacks (a FROM-scratch image has no /etc).
		for d := path.Dir(n); d != "." && !haveDir[d]; d = path.Dir(d) {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755}); err != nil {
				return err
			}
			haveDir[d] = true
		}
		h := &tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: 0o644, Size: int64(len(extra[n]))}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(extra[n]); err != nil {
			return err
		}
	}
	return tw.Close()
}

// writeHardLink writes e as a hard link to the entry written earlier as name: one inode
// with several names, as in the tree.
func writeHardLink(tw *tar.Writer, e entry, name string) error {
	h, err := tar.FileInfoHeader(e.info, "")
	if err != nil {
		return fmt.Errorf("%s: %v", e.rel, err)
	}
	h.Typeflag, h.Name, h.Linkname, h.Size = tar.TypeLink, e.rel, name, 0
	h.Uname, h.Gname = "", ""
	h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}
	h.ModTime = h.ModTime.Truncate(time.Second)
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("%s: %v", e.rel, err)
	}
	return nil
}

func writeEntry(tw *tar.Writer, e entry) error {
	h, err := tar.FileInfoHeader(e.info, e.link)
	if err != nil {
		return fmt.Errorf("%s: %v", e.rel, err)
	}
	h.Name = e.rel
	if e.info.IsDir() {
		h.Name += "/" // the root is "./": its mode, owner and time are the tree's
	}
	// Names and owners only: no user/group name lookups, no access/change times.
	h.Uname, h.Gname = "", ""
	h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}
	h.ModTime = h.ModTime.Truncate(time.Second) // whole seconds fit ustar without PAX records
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("%s: %v", e.rel, err)
	}
	if !e.info.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(e.abs)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(tw, io.LimitReader(f, e.info.Size()))
	if err != nil {
		return fmt.Errorf("%s: %v", e.rel, err)
	}
	if n != e.info.Size() {
		return fmt.Errorf("%s: file shrank while the image was made", e.rel)
	}
	return nil
}

// EtcFiles reads the sources of the /etc/hosts, /etc/resolv.conf and /etc/hostname
// bind mounts of a spec (given as destination → source), each at most 1 MiB.
func EtcFiles(mounts map[string]string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, dst := range []string{"/etc/hosts", "/etc/resolv.conf", "/etc/hostname"} {
		src, ok := mounts[dst]
		if !ok {
			continue
		}
		f, err := os.Open(src)
		if err != nil {
			return nil, fmt.Errorf("mount %s: %v", dst, err)
		}
		st, err := f.Stat()
		if err == nil && !st.Mode().IsRegular() {
			err = fmt.Errorf("source %s is not a regular file", src)
		}
		var b []byte
		if err == nil {
			b, err = io.ReadAll(io.LimitReader(f, 1<<20+1))
		}
		f.Close()
		if err == nil && len(b) > 1<<20 {
			err = fmt.Errorf("source %s is larger than 1 MiB", src)
		}
		if err != nil {
			return nil, fmt.Errorf("mount %s: %v", dst, err)
		}
		out[strings.TrimPrefix(dst, "/")] = b
	}
	return out, nil
}
