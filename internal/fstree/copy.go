// Copying a tree with its modes, owners, times, symlinks and hard links (for a native
// run's private copy), and hashing one (to prove a run left it as it was).
package fstree

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func lchtimes(p string, t time.Time) error {
	ts := []unix.Timespec{unix.NsecToTimespec(t.UnixNano()), unix.NsecToTimespec(t.UnixNano())}
	return unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW)
}

// Copy copies the tree at src to dst (which must not exist): regular files, directories
// and symlinks, with permission bits, owners and modification times; files that are hard
// links of each other in src are hard links in dst. Anything else is an error.
func Copy(src, dst string) error {
	inodes := map[uint64]string{} // src inode -> dst path of its first copy
	var dirs []string
	var dirTimes []time.Time
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		sys := st.Sys().(*syscall.Stat_t)
		switch {
		case st.IsDir():
			if err := os.Mkdir(out, 0o700); err != nil {
				return err
			}
			dirs = append(dirs, out)
			dirTimes = append(dirTimes, st.ModTime())
		case st.Mode().IsRegular():
			if first, ok := inodes[sys.Ino]; ok && sys.Nlink > 1 {
				return os.Link(first, out)
			}
			inodes[sys.Ino] = out
			if err := copyFile(p, out); err != nil {
				return err
			}
		case st.Mode()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if err := os.Symlink(t, out); err != nil {
				return err
			}
			if err := os.Lchown(out, int(sys.Uid), int(sys.Gid)); err != nil {
				return err
			}
			return lchtimes(out, st.ModTime())
		default:
			return fmt.Errorf("%s: cannot copy a %v", p, st.Mode().Type())
		}
		if err := os.Lchown(out, int(sys.Uid), int(sys.Gid)); err != nil {
			return err
		}
		if err := os.Chmod(out, st.Mode()&(fs.ModePerm|fs.ModeSticky|fs.ModeSetuid|fs.ModeSetgid)); err != nil {
			return err
		}
		return os.Chtimes(out, st.ModTime(), st.ModTime())
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- { // children first: their creation changed the parent
		if err := os.Chtimes(dirs[i], dirTimes[i], dirTimes[i]); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Listing describes every entry of the tree at root, one line each, sorted by path:
// type, permissions, owner, modification time (ns), size and SHA-256 of regular files,
// targets of symlinks, and which earlier path a hard link shares its inode with.
// Access times are left out (reading changes them).
func Listing(root string) ([]string, error) {
	var lines []string
	inodes := map[uint64]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		sys := st.Sys().(*syscall.Stat_t)
		l := fmt.Sprintf("%q %v %d:%d mtime=%d", rel, st.Mode(), sys.Uid, sys.Gid, st.ModTime().UnixNano())
		switch {
		case st.Mode().IsRegular():
			if first, ok := inodes[sys.Ino]; ok {
				l += " hardlink-of=" + first
			}
			inodes[sys.Ino] = rel
			h, err := fileHash(p)
			if err != nil {
				return err
			}
			l += fmt.Sprintf(" size=%d sha256=%s", st.Size(), h)
		case st.Mode()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			l += " -> " + t
		}
		lines = append(lines, l)
		return nil
	})
	sort.Strings(lines)
	return lines, err
}

// Hash is the SHA-256 of Listing: equal hashes mean an unchanged tree.
func Hash(root string) (string, error) {
	l, err := Listing(root)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256([]byte(strings.Join(l, "\n")))
	return hex.EncodeToString(s[:]), nil
}

func fileHash(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Diff names the lines of a that b lacks and the other way round (for failure messages).
func Diff(a, b []string) string {
	in := func(l []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range l {
			m[s] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, s := range a {
		if !mb[s] {
			out = append(out, "- "+s)
		}
	}
	for _, s := range b {
		if !ma[s] {
			out = append(out, "+ "+s)
		}
	}
	if len(out) > 40 {
		out = append(out[:40], fmt.Sprintf("... and %d more", len(out)-40))
	}
	return strings.Join(out, "\n")
}
