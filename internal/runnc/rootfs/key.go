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
	"strconv"
	"sync"
	"syscall"
)

// formatVersion changes whenever the image layout changes, invalidating old entries.
const formatVersion = "runnc-rootfs-ustar-3" // 2: the root directory entry, hard links; 3: padded to DiskBlock

// entry is one file of the tree as it will be written.
type entry struct {
	rel  string // slash path relative to the rootfs, no leading slash
	abs  string
	info fs.FileInfo
	link string
}

// scan walks the rootfs (without following symlinks) in lexical order, skipping the
// names in skip and sockets, and returns the entries. The walk needs no stat (directory
// entries carry their type); the lstat of every entry, most of the time of a large tree,
// is spread over a few goroutines.
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
		if d.Type()&fs.ModeSocket != 0 {
			return nil
		}
		out = append(out, entry{rel: rel, abs: p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	const workers = 4
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(out); i += workers {
				e := &out[i]
				info, err := os.Lstat(e.abs)
				if err == nil && info.Mode()&fs.ModeSymlink != 0 {
					e.link, err = os.Readlink(e.abs)
				}
				if err != nil {
					errs[w] = fmt.Errorf("rootfs: %v", err)
					return
				}
				e.info = info
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	// A socket is only known as one from its type, which the walk saw; anything that
	// became one since is left out here too.
	kept := out[:0]
	for _, e := range out {
		if e.info.Mode()&fs.ModeSocket == 0 {
			kept = append(kept, e)
		}
	}
	return kept, nil
}

// key hashes what makes the image differ: names, modes, owners, sizes, mtimes, inode
// identity and link targets of the tree, and the full contents of the injected files.
// A file rewritten in place with the same size and mtime is not noticed; that is the
// price of not reading the whole tree on every start, as with make.
func key(entries []entry, extra map[string][]byte) string {
	h := sha256.New()
	io.WriteString(h, formatVersion+"\n")
	// One line per entry, appended by hand (fmt per entry was most of a 5,000-file key).
	var b []byte
	for _, e := range entries {
		b = b[:0]
		b = strconv.AppendQuote(b, e.rel)
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(e.info.Mode()), 8)
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.info.Size(), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.info.ModTime().UnixNano(), 10)
		b = append(b, ' ')
		b = append(b, e.link...)
		if st, ok := e.info.Sys().(*syscall.Stat_t); ok {
			for _, v := range []uint64{uint64(st.Dev), st.Ino, uint64(st.Uid), uint64(st.Gid), uint64(st.Rdev)} {
				b = append(b, ' ')
				b = strconv.AppendUint(b, v, 10)
			}
		}
		b = append(b, '\n')
		h.Write(b)
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
