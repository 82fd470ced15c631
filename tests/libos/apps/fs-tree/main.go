// fs-tree: walks a rootfs tree hashing every file, reads through symlinks and hard links,
// then changes the tree (write, append, rename, truncate, remove) and walks it again.
// Usage: fs-tree ROOT (e.g. /data). Prints only what a native run in a chroot prints too.
package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fs-tree ROOT")
		os.Exit(2)
	}
	syscall.Umask(0o022)
	root := os.Args[1]
	walk("before", root)
	links(root)
	hard(root)
	change(root)
	walk("after", root)
	exe()
	fmt.Println("done")
}

func sum(b []byte) string { return fmt.Sprintf("%x", sha256.Sum256(b)) }

// walk prints one line per entry: files with size and hash, symlinks with their target,
// directories with their entry count (not their size, which is the file system's own).
func walk(label, root string) {
	var files, dirs, syms int
	var total int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Printf("%s walk error %s: %v\n", label, p, err)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			fmt.Printf("%s info error %s: %v\n", label, p, err)
			return nil
		}
		switch {
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				fmt.Printf("%s read %s: %v\n", label, p, err)
				return nil
			}
			if int64(len(b)) != info.Size() {
				fmt.Printf("%s %s: read %d bytes, stat says %d\n", label, p, len(b), info.Size())
			}
			files++
			total += info.Size()
			fmt.Printf("%s f %v %6d %s %s\n", label, info.Mode(), info.Size(), sum(b), p)
		case d.Type()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			syms++
			fmt.Printf("%s l %v %s -> %s %v\n", label, info.Mode(), p, t, err)
		case d.IsDir():
			es, err := os.ReadDir(p)
			dirs++
			fmt.Printf("%s d %v %d entries %s %v\n", label, info.Mode(), len(es), p, err)
		default:
			fmt.Printf("%s ? %v %s\n", label, info.Mode(), p)
		}
		return nil
	})
	fmt.Printf("%s: %d files (%d bytes), %d dirs, %d symlinks, err %v\n", label, files, total, dirs, syms, err)
}

// links reads through each kind of symlink the tree has.
func links(root string) {
	l := filepath.Join(root, "links")
	for _, n := range []string{"rel", "rel-up", "abs", "chain1", "chain2", "chain3", "escape-abs", "escape-rel", "dangling", "loop-a"} {
		b, err := os.ReadFile(filepath.Join(l, n))
		fmt.Printf("through %s: %q %s\n", n, trim(b), errName(err))
	}
	for _, n := range []string{"abs-dir", "rel-dir"} {
		es, err := os.ReadDir(filepath.Join(l, n))
		fmt.Printf("dir through %s: %d entries %s\n", n, len(es), errName(err))
		st, err := os.Stat(filepath.Join(l, n))
		lst, lerr := os.Lstat(filepath.Join(l, n))
		fmt.Printf("stat %s: dir %v %s; lstat symlink %v %s\n", n, err == nil && st.IsDir(), errName(err),
			lerr == nil && lst.Mode()&fs.ModeSymlink != 0, errName(lerr))
	}
	// Walking through a directory symlink and climbing out with "..".
	b, err := os.ReadFile(filepath.Join(l, "abs-dir", "e0", "..", "e1", filepath.Base(firstFile(filepath.Join(root, "tree", "d02", "e1")))))
	fmt.Printf("abs-dir/e0/../e1: %s %s\n", sum(b), errName(err))
	real, err := filepath.EvalSymlinks(filepath.Join(l, "chain3"))
	fmt.Printf("EvalSymlinks chain3: %s %s\n", real, errName(err))
	real, err = filepath.EvalSymlinks(filepath.Join(l, "escape-rel"))
	fmt.Printf("EvalSymlinks escape-rel: %s %s\n", real, errName(err))
}

func firstFile(dir string) string {
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if e.Type().IsRegular() {
			return e.Name()
		}
	}
	return "none"
}

func trim(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}

// hard reads the hard links and checks they are one file.
func hard(root string) {
	h := filepath.Join(root, "hard")
	var first os.FileInfo
	for _, n := range []string{"one", "two", "three"} {
		p := filepath.Join(h, n)
		b, err := os.ReadFile(p)
		st, serr := os.Stat(p)
		if serr != nil {
			fmt.Printf("hard %s: %s\n", n, errName(serr))
			continue
		}
		if first == nil {
			first = st
		}
		fmt.Printf("hard %s: %q %s nlink %d same-as-one %v\n", n, b, errName(err), st.Sys().(*syscall.Stat_t).Nlink, os.SameFile(first, st))
	}
}

// change writes to the tree: new files and dirs, appends, renames, truncates, removals;
// each result is printed, the walk after shows the tree they left.
func change(root string) {
	step := func(what string, err error) { fmt.Printf("change %s: %s\n", what, errName(err)) }
	nd := filepath.Join(root, "new", "a", "b")
	step("mkdir -p new/a/b", os.MkdirAll(nd, 0o755))
	step("write new/a/b/file", os.WriteFile(filepath.Join(nd, "file"), []byte("new file\n"), 0o644))
	f0 := filepath.Join(root, "tree", "d00", "e0", "f00000.txt")
	f, err := os.OpenFile(f0, os.O_APPEND|os.O_WRONLY, 0)
	step("open append f00000", err)
	if err == nil {
		_, err = f.Write([]byte("appended line\n"))
		step("append", err)
		step("close", f.Close())
	}
	// Overwrite the middle of an existing file (copy-up keeps the rest).
	f1 := filepath.Join(root, "tree", "d01", "e0", "f00001.txt")
	f, err = os.OpenFile(f1, os.O_WRONLY, 0)
	step("open f00001 write", err)
	if err == nil {
		_, err = f.WriteAt([]byte("XYZ"), 5)
		step("write at 5", err)
		step("close", f.Close())
	}
	step("rename f00002 -> renamed", os.Rename(filepath.Join(root, "tree", "d02", "e0", "f00002.txt"), filepath.Join(root, "renamed.txt")))
	step("rename dir d03 -> d03-moved", os.Rename(filepath.Join(root, "tree", "d03"), filepath.Join(root, "tree", "d03-moved")))
	step("truncate f00004 to 10", os.Truncate(filepath.Join(root, "tree", "d04", "e0", "f00004.txt"), 10))
	step("truncate f00006 to 9000", os.Truncate(filepath.Join(root, "tree", "d06", "e0", "f00006.txt"), 9000))
	step("remove f00007", os.Remove(filepath.Join(root, "tree", "d07", "e0", "f00007.txt")))
	step("remove f00007 again", os.Remove(filepath.Join(root, "tree", "d07", "e0", "f00007.txt")))
	step("remove non-empty d08", syscall.Rmdir(filepath.Join(root, "tree", "d08")))
	step("removeall d08", os.RemoveAll(filepath.Join(root, "tree", "d08")))
	_, err = os.Stat(filepath.Join(root, "tree", "d08"))
	step("stat removed d08", err)
	// A name removed from the rootfs comes back as a new, different file.
	step("recreate d08/e0", os.MkdirAll(filepath.Join(root, "tree", "d08", "e0"), 0o750))
	step("recreate f00008", os.WriteFile(filepath.Join(root, "tree", "d08", "e0", "f00008.txt"), []byte("reborn\n"), 0o600))
	step("remove symlink rel", os.Remove(filepath.Join(root, "links", "rel")))
	step("symlink rel -> hard/one", os.Symlink("../hard/one", filepath.Join(root, "links", "rel")))
	step("remove hard/two", os.Remove(filepath.Join(root, "hard", "two")))
	st, err := os.Stat(filepath.Join(root, "hard", "one"))
	if err == nil {
		fmt.Printf("change hard/one nlink now %d\n", st.Sys().(*syscall.Stat_t).Nlink)
	}
	step("chmod f00010 0600", os.Chmod(filepath.Join(root, "tree", "d10", "e0", "f00010.txt"), 0o600))
	// Writing a file of the tree into a new big one (1 MiB) and reading it back.
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	step("write new/big", os.WriteFile(filepath.Join(root, "new", "big"), big, 0o644))
	b, err := os.ReadFile(filepath.Join(root, "new", "big"))
	fmt.Printf("change read new/big: same %v %s\n", string(b) == string(big), errName(err))
	// Rename over an existing file of the tree.
	step("rename new/a/b/file over f00011", os.Rename(filepath.Join(nd, "file"), filepath.Join(root, "tree", "d11", "e0", "f00011.txt")))
}

// exe reads /proc/self/exe: it names this program by its path in the rootfs and its bytes
// are this program's.
func exe() {
	l, err := os.Readlink("/proc/self/exe")
	fmt.Printf("readlink /proc/self/exe: %s %s (argv[0] %s)\n", l, errName(err), os.Args[0])
	e, err := os.Executable()
	fmt.Printf("os.Executable: %s %s\n", e, errName(err))
	a, err1 := os.ReadFile("/proc/self/exe")
	b, err2 := os.ReadFile(os.Args[0])
	fmt.Printf("/proc/self/exe bytes are argv[0]'s: %v (%d bytes) %s %s\n", len(a) > 0 && string(a) == string(b), len(a), errName(err1), errName(err2))
	f, err := os.Open("/proc/self/exe")
	if err == nil {
		var hdr [4]byte
		_, err = io.ReadFull(f, hdr[:])
		f.Close()
		fmt.Printf("/proc/self/exe starts with ELF magic: %v %s\n", string(hdr[:]) == "\x7fELF", errName(err))
	}
}

// errName is "ok" or the errno's name (what a C program's strerror-free report says).
func errName(err error) string {
	if err == nil {
		return "ok"
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		if n, ok := names[e]; ok {
			return n
		}
		return fmt.Sprintf("errno%d", int(e))
	}
	if errors.Is(err, io.EOF) {
		return "EOF"
	}
	return "error: " + strings.ReplaceAll(err.Error(), "\n", " ")
}

var names = map[syscall.Errno]string{
	syscall.ENOENT: "ENOENT", syscall.EEXIST: "EEXIST", syscall.ENOTDIR: "ENOTDIR", syscall.EISDIR: "EISDIR",
	syscall.ELOOP: "ELOOP", syscall.ENOTEMPTY: "ENOTEMPTY", syscall.EINVAL: "EINVAL", syscall.EACCES: "EACCES",
	syscall.EPERM: "EPERM", syscall.EROFS: "EROFS", syscall.ENOSPC: "ENOSPC", syscall.EBADF: "EBADF",
	syscall.ENAMETOOLONG: "ENAMETOOLONG", syscall.EXDEV: "EXDEV", syscall.EIO: "EIO", syscall.ENOSYS: "ENOSYS",
}
