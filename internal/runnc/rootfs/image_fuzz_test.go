// Fuzzing of the rootfs image writer on odd trees: long and non-UTF-8 names, deep nesting, symlink loops, special files.
package rootfs

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// buildTree interprets prog as operations that make a tree under root and returns the
// slash paths (relative) it made, with their kind ('d', 'f', 'l', 'p', 'c') and, for files
// and links, content or target.
func buildTree(t *testing.T, root string, prog []byte) map[string]string {
	made := map[string]string{}
	cwd := ""
	next := func() byte {
		if len(prog) == 0 {
			return 0
		}
		b := prog[0]
		prog = prog[1:]
		return b
	}
	name := func() string {
		n := int(next())
		var b []byte
		for i := 0; i < n && len(prog) > 0; i++ {
			c := next()
			if c == '/' || c == 0 {
				c = 'x'
			}
			b = append(b, c)
		}
		s := string(b)
		if s == "" || s == "." || s == ".." {
			s = "n" + s
		}
		return s
	}
	rel := func(n string) string {
		if cwd == "" {
			return n
		}
		return cwd + "/" + n
	}
	for ops := 0; len(prog) > 0 && ops < 48; ops++ {
		switch next() % 8 {
		case 0:
			r := rel(name())
			if os.Mkdir(filepath.Join(root, r), 0o755) == nil {
				made[r] = "d"
			}
		case 1:
			r := rel(name())
			content := bytes.Repeat([]byte{next()}, int(next())*37)
			if os.WriteFile(filepath.Join(root, r), content, 0o644) == nil {
				made[r] = "f" + string(content)
			}
		case 2: // a link to itself, to its parent, or to a long or odd target
			r := rel(name())
			target := [...]string{filepath.Base(r), "..", "/", strings.Repeat("../", 300), "\xff\xfe", "a/b/c"}[next()%6]
			if os.Symlink(target, filepath.Join(root, r)) == nil {
				made[r] = "l" + target
			}
		case 3:
			r := rel(name())
			if unix.Mkfifo(filepath.Join(root, r), 0o644) == nil {
				made[r] = "p"
			}
		case 4: // a character device (root only; skipped otherwise)
			r := rel(name())
			if unix.Mknod(filepath.Join(root, r), unix.S_IFCHR|0o600, int(unix.Mkdev(1, 3))) == nil {
				made[r] = "c"
			}
		case 5: // descend into a new directory: deep nesting
			r := rel(name())
			if os.Mkdir(filepath.Join(root, r), 0o755) == nil {
				made[r] = "d"
				cwd = r
			}
		case 6:
			if i := strings.LastIndexByte(cwd, '/'); i >= 0 {
				cwd = cwd[:i]
			} else {
				cwd = ""
			}
		case 7: // a unix socket: left out of the image
			r := rel(name())
			fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
			if err == nil {
				p := filepath.Join(root, r)
				if len(p) < 100 {
					_ = unix.Bind(fd, &unix.SockaddrUnix{Name: p})
				}
				unix.Close(fd)
			}
		}
	}
	return made
}

// FuzzImage builds a tree from the input, writes its image and reads it back: every
// file, directory, link and special file is there once with its content or target.
func FuzzImage(f *testing.F) {
	f.Add([]byte{0, 3, 'e', 't', 'c', 1, 1, 'a', 'q', 2})
	f.Add([]byte{2, 4, 'l', 'o', 'o', 'p', 0, 2, 2, 'u', 'p', 1})
	f.Add(append([]byte{0, 200}, bytes.Repeat([]byte{'L'}, 200)...))
	f.Add([]byte{5, 2, 0xff, 0xfe, 5, 1, 0x80, 1, 1, 0xc3, 7, 3, 1, 'p', 4, 1, 'c', 7, 1, 's'})
	deep := []byte{}
	for i := 0; i < 40; i++ {
		deep = append(deep, 5, 100)
		deep = append(deep, bytes.Repeat([]byte{'d'}, 100)...)
	}
	f.Add(append(deep, 1, 1, 'f', 'z', 9))
	f.Fuzz(func(t *testing.T, prog []byte) {
		root := t.TempDir()
		made := buildTree(t, root, prog)
		r, err := Image(root, t.TempDir(), Options{})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			// Only a tree the kernel's own path limit cuts off may fail.
			var pe *fs.PathError
			if errors.As(err, &pe) && errors.Is(pe.Err, unix.ENAMETOOLONG) {
				return
			}
			if strings.Contains(err.Error(), "file name too long") {
				return
			}
			t.Fatalf("Image: %v", err)
		}
		f, err := os.Open(r.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		tr := tar.NewReader(f)
		got := map[string]string{}
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("image unreadable: %v", err)
			}
			n := strings.TrimSuffix(h.Name, "/")
			if n == "." { // the root entry, first
				if len(got) != 0 || h.Typeflag != tar.TypeDir {
					t.Fatalf("root entry %q (type %q) not first or not a directory", h.Name, h.Typeflag)
				}
				continue
			}
			if _, dup := got[n]; dup {
				t.Fatalf("%q twice in the image", n)
			}
			switch h.Typeflag {
			case tar.TypeDir:
				got[n] = "d"
			case tar.TypeReg:
				b, err := io.ReadAll(tr)
				if err != nil {
					t.Fatal(err)
				}
				got[n] = "f" + string(b)
			case tar.TypeSymlink:
				got[n] = "l" + h.Linkname
			case tar.TypeFifo:
				got[n] = "p"
			case tar.TypeChar:
				got[n] = "c"
			default:
				t.Fatalf("%q: unexpected type %q", n, h.Typeflag)
			}
		}
		if len(got) != len(made) {
			t.Errorf("image has %d entries, the tree %d", len(got), len(made))
		}
		for n, want := range made {
			if got[n] != want {
				t.Errorf("%q: image has %.40q, want %.40q", n, got[n], want)
			}
		}
	})
}
