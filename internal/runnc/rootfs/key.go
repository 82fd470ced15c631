// The cache key: a hash over the tree's metadata and the injected /etc files.
package rootfs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

// formatVersion changes whenever the image layout changes, invalidating old entries.
const formatVersion = "runnc-rootfs-ustar-2" // 2: the root directory entry, hard links

// entry is one file of the tree as it will be written.
type entry struct {
	rel  string // slash path relative to the rootfs, no leading slash
	abs  string
	info fs.FileInfo
	link string
}

// scan walks the rootfs (without following symlinks) in lexical order, skipping the
// names in skip and sockets, and returns the entries.
func scan(root string, skip map[string]bool) ([]entry, error) {
	var out []entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("rootfs: %v", err)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel != "." && skip[rel] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("rootfs: %v", err)
		}
		if info.Mode()&fs.ModeSocket != 0 {
			return nil
		}
		e := entry{rel: rel, abs: p, info: info}
		if info.Mode()&fs.ModeSymlink != 0 {
			if e.link, err = os.Readlink(p); err != nil {
				return fmt.Errorf("rootfs: %v", err)
			}
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// key hashes what makes the image differ: names, modes, owners, sizes, mtimes, inode
// identity and link targets of the tree, and the full contents of the injected files.
// A file rewritten in place with the same size and mtime is not noticed; that is the
// price of not reading the whole tree on every start, as with make.
func key(entries []entry, extra map[string][]byte) string {
	h := sha256.New()
	io.WriteString(h, formatVersion+"\n")
	for _, e := range entries {
		fmt.Fprintf(h, "%q %o %d %d %s", e.rel, e.info.Mode(), e.info.Size(), e.info.ModTime().UnixNano(), e.link)
		if st, ok := e.info.Sys().(*syscall.Stat_t); ok {
			fmt.Fprintf(h, " %d %d %d %d %d", st.Dev, st.Ino, st.Uid, st.Gid, st.Rdev)
		}
		io.WriteString(h, "\n")
	}
	names := make([]string, 0, len(extra))
	for n := range extra {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "extra %q %d\n", n, len(extra[n]))
		h.Write(extra[n])
	}
	return hex.EncodeToString(h.Sum(nil))
}
