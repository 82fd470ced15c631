// fs-table: a table of Go os and io/fs behaviours, one line per row: op, result, errno.
// Usage: fs-table DIR (created; /tmp/x for the in-memory /tmp, /data/x for the rootfs
// overlay). Prints only what does not depend on the file system's own numbers (inodes,
// directory sizes, times it chose).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

var dir string

func row(op, result string, err error) { fmt.Printf("%-34s %-40s %s\n", op, result, errName(err)) }

func p(name string) string { return filepath.Join(dir, name) }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fs-table DIR")
		os.Exit(2)
	}
	syscall.Umask(0o022)
	dir = os.Args[1]
	row("mkdir dir", "", os.Mkdir(dir, 0o755))
	row("mkdir existing", "", os.Mkdir(dir, 0o755))
	openFlags()
	dirs()
	stats()
	links()
	renames()
	paths()
	limits()
	cwd()
	io_()
	walk()
	devices()
	proc()
	cleanup()
}

func openFlags() {
	f, err := os.OpenFile(p("excl"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	row("O_CREAT|O_EXCL new", "", err)
	if err == nil {
		f.WriteString("0123456789")
		f.Close()
	}
	_, err = os.OpenFile(p("excl"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	row("O_CREAT|O_EXCL existing", "", err)
	_, err = os.OpenFile(p("absent"), os.O_RDONLY, 0)
	row("open absent", "", err)
	_, err = os.OpenFile(p("absent/x"), os.O_CREATE|os.O_WRONLY, 0o644)
	row("O_CREAT in absent dir", "", err)
	f, err = os.OpenFile(p("excl"), os.O_TRUNC|os.O_WRONLY, 0)
	if err == nil {
		f.Close()
	}
	row("O_TRUNC", "size "+size(p("excl")), err)
	os.WriteFile(p("app"), []byte("abc"), 0o644)
	f, err = os.OpenFile(p("app"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		f.Seek(0, io.SeekStart)
		f.WriteString("def")
		off, _ := f.Seek(0, io.SeekCurrent)
		f.Close()
		b, _ := os.ReadFile(p("app"))
		row("O_APPEND after seek 0", fmt.Sprintf("%q off %d", b, off), err)
	} else {
		row("O_APPEND", "", err)
	}
	_, err = os.OpenFile(p("app"), os.O_RDONLY|syscall.O_DIRECTORY, 0)
	row("O_DIRECTORY on a file", "", err)
	os.Symlink("app", p("sym"))
	_, err = os.OpenFile(p("sym"), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	row("O_NOFOLLOW on a symlink", "", err)
	f, err = os.OpenFile(p("app"), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err == nil {
		f.Close()
	}
	row("O_NOFOLLOW on a file", "", err)
	f, err = os.Open(p("app"))
	if err == nil {
		_, err = f.Write([]byte("x"))
		f.Close()
	}
	row("write to O_RDONLY", "", underlying(err))
	f, err = os.Open(dir)
	if err == nil {
		_, err = f.Read(make([]byte, 10))
		f.Close()
	}
	row("read a directory", "", underlying(err))
	_, err = os.OpenFile(dir, os.O_WRONLY, 0)
	row("open a directory O_WRONLY", "", err)
	fd, err := syscall.Open(p("creat-mode"), syscall.O_CREAT|syscall.O_WRONLY|syscall.O_CLOEXEC, 0o777)
	if err == nil {
		syscall.Close(fd)
	}
	row("O_CREAT 0777 under umask 022", "mode "+mode(p("creat-mode")), err)
}

func size(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return errName(err)
	}
	return fmt.Sprint(st.Size())
}

func mode(path string) string {
	st, err := os.Lstat(path)
	if err != nil {
		return errName(err)
	}
	return st.Mode().String()
}

func dirs() {
	d := p("order")
	os.Mkdir(d, 0o755)
	for _, n := range []string{"zeta", "alpha", "Mid", "beta", "10", "9", ".hidden"} {
		os.WriteFile(filepath.Join(d, n), nil, 0o644)
	}
	os.Mkdir(filepath.Join(d, "sub"), 0o755)
	es, err := os.ReadDir(d)
	var names []string
	for _, e := range es {
		t := "f"
		if e.IsDir() {
			t = "d"
		}
		names = append(names, e.Name()+":"+t)
	}
	row("ReadDir (sorted)", strings.Join(names, ","), err)
	f, err := os.Open(d)
	if err == nil {
		raw, rerr := f.Readdirnames(-1)
		f.Close()
		hasDots := false
		for _, n := range raw {
			hasDots = hasDots || n == "." || n == ".."
		}
		sort.Strings(raw)
		row("Readdirnames (raw, then sorted)", fmt.Sprintf("%d %s dots %v", len(raw), strings.Join(raw, ","), hasDots), rerr)
	}
	// Reading in small batches visits every entry once.
	f, err = os.Open(d)
	if err == nil {
		var all []string
		for {
			n, rerr := f.Readdirnames(2)
			all = append(all, n...)
			if rerr != nil {
				if rerr != io.EOF {
					err = rerr
				}
				break
			}
		}
		f.Close()
		sort.Strings(all)
		row("Readdirnames(2) batches", strings.Join(all, ","), err)
	}
	es, err = os.ReadDir(filepath.Join(d, "sub"))
	row("ReadDir empty", fmt.Sprint(len(es)), err)
	_, err = os.ReadDir(filepath.Join(d, "zeta"))
	row("ReadDir of a file", "", underlying(err))
	err = syscall.Rmdir(d)
	row("rmdir non-empty", "", err)
	err = os.Remove(d)
	row("os.Remove non-empty", "", underlying(err))
	row("rmdir empty", "", syscall.Rmdir(filepath.Join(d, "sub")))
	row("rmdir a file", "", syscall.Rmdir(filepath.Join(d, "zeta")))
	row("unlink a directory", "", syscall.Unlink(d))
	row("rmdir DIR/.", "", syscall.Rmdir(d+"/."))
	row("mkdir in a file", "", os.Mkdir(filepath.Join(d, "zeta", "x"), 0o755))
	row("mkdir 0750", "mode "+func() string { os.Mkdir(p("m750"), 0o750); return mode(p("m750")) }(), nil)
	row("MkdirAll existing", "", os.MkdirAll(d, 0o755))
	row("RemoveAll", "", os.RemoveAll(d))
	_, err = os.Stat(d)
	row("stat after RemoveAll", "", err)
	row("RemoveAll absent", "", os.RemoveAll(d))
}

func stats() {
	os.WriteFile(p("st"), []byte("twelve bytes"), 0o640)
	st, err := os.Stat(p("st"))
	if err == nil {
		s := st.Sys().(*syscall.Stat_t)
		row("Stat file", fmt.Sprintf("%v %d nlink %d regular %v", st.Mode(), st.Size(), s.Nlink, st.Mode().IsRegular()), err)
	}
	st, err = os.Stat(dir)
	if err == nil {
		row("Stat dir", fmt.Sprintf("%v isdir %v", st.Mode(), st.IsDir()), err)
	}
	os.Symlink("st", p("st-link"))
	st, err = os.Lstat(p("st-link"))
	if err == nil {
		row("Lstat symlink", fmt.Sprintf("%v size %d", st.Mode()&fs.ModeType, st.Size()), err)
	}
	st, err = os.Stat(p("st-link"))
	if err == nil {
		row("Stat through symlink", fmt.Sprintf("%v %d", st.Mode(), st.Size()), err)
	}
	f, err := os.Open(p("st"))
	if err == nil {
		fst, ferr := f.Stat()
		st, _ := os.Stat(p("st"))
		f.Close()
		row("Fstat same as Stat", fmt.Sprint(ferr == nil && os.SameFile(fst, st) && fst.Size() == st.Size()), ferr)
	}
	row("Chmod 0604", "mode "+func() string { os.Chmod(p("st"), 0o604); return mode(p("st")) }(), nil)
	row("Chmod absent", "", os.Chmod(p("absent"), 0o644))
	t := time.Date(2020, 2, 3, 4, 5, 6, 0, time.UTC)
	err = os.Chtimes(p("st"), t, t)
	st, _ = os.Stat(p("st"))
	row("Chtimes", fmt.Sprint(st.ModTime().UTC().Format(time.RFC3339Nano)), err)
	at := st.Sys().(*syscall.Stat_t).Atim
	row("Chtimes atime", fmt.Sprint(time.Unix(at.Sec, at.Nsec).UTC().Format(time.RFC3339)), nil)
	// A write moves mtime to now (later than the time set).
	f, err = os.OpenFile(p("st"), os.O_WRONLY|os.O_APPEND, 0)
	if err == nil {
		f.WriteString("!")
		f.Close()
	}
	st, _ = os.Stat(p("st"))
	row("write updates mtime", fmt.Sprint(st.ModTime().After(t.Add(24*time.Hour))), err)
	var sfs syscall.Statfs_t
	row("statfs", "", syscall.Statfs(dir, &sfs))
}

func links() {
	os.WriteFile(p("orig"), []byte("original"), 0o644)
	err := os.Link(p("orig"), p("hard"))
	a, _ := os.Stat(p("orig"))
	b, _ := os.Stat(p("hard"))
	if err == nil {
		row("Link", fmt.Sprintf("same %v nlink %d", os.SameFile(a, b), a.Sys().(*syscall.Stat_t).Nlink), err)
	} else {
		row("Link", "", err)
	}
	os.WriteFile(p("hard"), []byte("changed through hard"), 0o644)
	c, _ := os.ReadFile(p("orig"))
	row("write through hard link", string(c), nil)
	row("Link existing", "", os.Link(p("orig"), p("hard")))
	row("Link a directory", "", os.Link(dir, p("dirlink")))
	row("Remove one link", "", os.Remove(p("orig")))
	c, err = os.ReadFile(p("hard"))
	st, _ := os.Stat(p("hard"))
	row("other link after remove", fmt.Sprintf("%s nlink %d", c, st.Sys().(*syscall.Stat_t).Nlink), err)
	row("Symlink", "", os.Symlink("hard", p("soft")))
	row("Symlink existing", "", os.Symlink("hard", p("soft")))
	l, err := os.Readlink(p("soft"))
	row("Readlink", l, err)
	_, err = os.Readlink(p("hard"))
	row("Readlink a file", "", err)
	row("Symlink dangling", "", os.Symlink("nowhere/at/all", p("dangle")))
	_, err = os.Stat(p("dangle"))
	row("Stat dangling", "", err)
	l, err = os.Readlink(p("dangle"))
	row("Readlink dangling", l, err)
	os.Symlink("/"+strings.TrimPrefix(p("hard"), "/"), p("abs"))
	c, err = os.ReadFile(p("abs"))
	row("read absolute symlink", string(c), err)
	// A chain of 40 symlinks resolves, 41 do not (Linux's MAXSYMLINKS).
	os.Mkdir(p("chain"), 0o755)
	prev := "../hard"
	for i := 1; i <= 41; i++ {
		n := fmt.Sprintf("l%02d", i)
		os.Symlink(prev, filepath.Join(p("chain"), n))
		prev = n
	}
	_, err = os.ReadFile(filepath.Join(p("chain"), "l40"))
	row("40 symlinks", "", err)
	_, err = os.ReadFile(filepath.Join(p("chain"), "l41"))
	row("41 symlinks", "", err)
	os.Symlink("loop2", p("loop1"))
	os.Symlink("loop1", p("loop2"))
	_, err = os.Stat(p("loop1"))
	row("symlink loop", "", err)
	_, err = os.Stat(p("soft") + "/")
	row("symlink to file + trailing /", "", err)
	os.Symlink(".", p("dotlink"))
	_, err = os.Stat(p("dotlink/dotlink/dotlink/hard"))
	row("symlink to . in a path", "", err)
}

func renames() {
	os.WriteFile(p("r-src"), []byte("source"), 0o644)
	os.WriteFile(p("r-dst"), []byte("destination"), 0o644)
	err := os.Rename(p("r-src"), p("r-dst"))
	c, _ := os.ReadFile(p("r-dst"))
	_, serr := os.Stat(p("r-src"))
	row("Rename over existing file", fmt.Sprintf("%s src %s", c, errName(serr)), err)
	row("Rename absent", "", os.Rename(p("absent"), p("x")))
	row("Rename to itself", "", os.Rename(p("r-dst"), p("r-dst")))
	os.MkdirAll(p("rd/sub"), 0o755)
	row("Rename dir into itself", "", os.Rename(p("rd"), p("rd/sub/rd")))
	os.Mkdir(p("rd2"), 0o755)
	os.WriteFile(p("rd2/x"), nil, 0o644)
	// os.Rename refuses any existing directory as the target itself (EEXIST); the
	// system call's own answers need syscall.Rename.
	row("os.Rename dir over dir", "", underlying(os.Rename(p("rd"), p("rd2"))))
	row("rename(2) dir over non-empty dir", "", syscall.Rename(p("rd"), p("rd2")))
	os.Mkdir(p("rd3"), 0o755)
	err = syscall.Rename(p("rd"), p("rd3"))
	_, serr = os.Stat(p("rd3/sub"))
	row("rename(2) dir over empty dir", "sub "+errName(serr), err)
	row("rename(2) file over dir", "", syscall.Rename(p("r-dst"), p("rd2")))
	row("rename(2) dir over file", "", syscall.Rename(p("rd2"), p("r-dst")))
	row("rename(2) dir to its own subdir", "", syscall.Rename(p("rd3"), p("rd3/sub/x")))
	err = os.Rename(p("rd3"), p("rd-moved"))
	c, _ = os.ReadFile(p("rd-moved/sub/../../r-dst"))
	row("Rename dir, path through it", string(c), err)
	os.Symlink("r-dst", p("r-sym"))
	err = os.Rename(p("r-sym"), p("r-sym2"))
	l, _ := os.Readlink(p("r-sym2"))
	row("Rename a symlink", l, err)
}

func paths() {
	os.MkdirAll(p("pa/pb"), 0o755)
	os.WriteFile(p("pa/pb/file"), []byte("x"), 0o644)
	try := func(what, path string) {
		_, err := os.Stat(path)
		row(what, "", err)
	}
	try("path with ..", p("pa/pb/../pb/file"))
	try("path with .. past a file", p("pa/pb/file/../file"))
	try("path with //", strings.ReplaceAll(p("pa/pb/file"), "/", "//"))
	try("path with /./", p("pa/./pb/./file"))
	try("trailing / on a dir", p("pa/pb")+"/")
	try("trailing / on a file", p("pa/pb/file")+"/")
	try("trailing /. on a file", p("pa/pb/file")+"/.")
	a, _ := os.Stat("/")
	b, err := os.Stat("/../../..")
	row(".. stops at /", fmt.Sprint(err == nil && os.SameFile(a, b)), err)
	b, err = os.Stat(p("pa/../../../../../../../../.."))
	row("many .. from a dir stop at /", fmt.Sprint(err == nil && os.SameFile(a, b)), err)
	try("empty path", "")
	_, err = os.ReadFile(p("pa/pb/file\x00x"))
	row("NUL in a path", "", err)
}

func limits() {
	_, err := os.Stat(p(strings.Repeat("n", 255)))
	row("name of 255 bytes", "", err)
	err = os.WriteFile(p(strings.Repeat("n", 255)), []byte("x"), 0o644)
	row("create name of 255 bytes", "", err)
	_, err = os.Stat(p(strings.Repeat("n", 256)))
	row("name of 256 bytes", "", err)
	err = os.WriteFile(p(strings.Repeat("n", 256)), nil, 0o644)
	row("create name of 256 bytes", "", err)
	// PATH_MAX is 4096 with the NUL: a 4095-byte path is looked up, 4096 is too long.
	long := func(n int) string {
		s := "/" + strings.Repeat("./", (n-1)/2)
		for len(s) < n {
			s += "."
		}
		return s
	}
	_, err = os.Stat(long(4095))
	row("path of 4095 bytes", "", err)
	_, err = os.Stat(long(4096))
	row("path of 4096 bytes", "", err)
	_, err = os.Stat(long(5000))
	row("path of 5000 bytes", "", err)
}

func cwd() {
	wd0, _ := os.Getwd()
	os.MkdirAll(p("cw/inner"), 0o755)
	os.WriteFile(p("cw/inner/rel"), []byte("relative"), 0o644)
	err := os.Chdir(p("cw/inner"))
	wd, werr := os.Getwd()
	row("Chdir", strings.TrimPrefix(wd, dir), err)
	row("Getwd", "", werr)
	c, err := os.ReadFile("rel")
	row("relative open", string(c), err)
	c, err = os.ReadFile("../inner/./rel")
	row("relative open with ..", string(c), err)
	row("Chdir ..", "", os.Chdir(".."))
	wd, _ = os.Getwd()
	row("Getwd after ..", strings.TrimPrefix(wd, dir), nil)
	row("Chdir to a file", "", os.Chdir("inner/rel"))
	row("Chdir absent", "", os.Chdir("absent"))
	// The working directory removed under us.
	os.Mkdir("gone", 0o755)
	os.Chdir("gone")
	row("rmdir cwd", "", syscall.Rmdir(p("cw/gone")))
	_, err = os.Stat(".")
	row("stat . of removed cwd", "", err)
	err = os.WriteFile("new-in-gone", nil, 0o644)
	row("create in removed cwd", "", err)
	row("Chdir /", "", os.Chdir("/"))
	wd, _ = os.Getwd()
	row("Getwd at /", wd, nil)
	os.Chdir(wd0)
}

func io_() {
	f, err := os.Create(p("io"))
	if err != nil {
		row("Create", "", err)
		return
	}
	defer f.Close()
	f.WriteString("0123456789")
	off, err := f.Seek(-3, io.SeekEnd)
	b := make([]byte, 10)
	n, _ := f.Read(b)
	row("Seek -3 SEEK_END, read", fmt.Sprintf("off %d %q", off, b[:n]), err)
	n, err = f.Read(b)
	row("read at EOF", fmt.Sprint(n), err)
	off, err = f.Seek(2, io.SeekStart)
	off2, _ := f.Seek(3, io.SeekCurrent)
	row("Seek SET 2, CUR +3", fmt.Sprint(off, " ", off2), err)
	_, err = f.Seek(-1, io.SeekStart)
	row("Seek before start", "", underlying(err))
	off, err = f.Seek(20, io.SeekStart)
	f.WriteString("X")
	st, _ := f.Stat()
	all, _ := os.ReadFile(p("io"))
	row("write past end (hole)", fmt.Sprintf("off %d size %d %q", off, st.Size(), all), err)
	n, err = f.WriteAt([]byte("ab"), 3)
	row("WriteAt 3", fmt.Sprint(n), err)
	n, err = f.ReadAt(b[:5], 1)
	row("ReadAt 1", fmt.Sprintf("%d %q", n, b[:n]), err)
	n, err = f.ReadAt(b[:5], 19)
	row("ReadAt across EOF", fmt.Sprintf("%d %q", n, b[:n]), err)
	pos, _ := f.Seek(0, io.SeekCurrent)
	row("ReadAt/WriteAt keep offset", fmt.Sprint(pos), nil)
	err = f.Truncate(4)
	st, _ = f.Stat()
	row("Truncate to 4", fmt.Sprint(st.Size()), err)
	err = os.Truncate(p("io"), 4100)
	all, _ = os.ReadFile(p("io"))
	row("Truncate up to 4100", fmt.Sprintf("%d zeros-after-4 %v", len(all), bytes.Count(all[4:], []byte{0}) == len(all)-4), err)
	row("Truncate absent", "", os.Truncate(p("absent"), 0))
	row("Truncate negative", "", os.Truncate(p("io"), -1))
	row("Truncate a directory", "", os.Truncate(dir, 0))
	row("Sync", "", f.Sync())
	// Many small writes then one read of the lot.
	g, _ := os.Create(p("many"))
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(g, "line %04d\n", i)
	}
	g.Close()
	all, err = os.ReadFile(p("many"))
	row("1000 small writes", fmt.Sprintf("%d bytes last %q", len(all), all[len(all)-10:]), err)
	t, err := os.CreateTemp("/tmp", "fstable-*.tmp")
	if err == nil {
		name := t.Name()
		t.WriteString("temp")
		t.Close()
		c, rerr := os.ReadFile(name)
		ok := strings.HasPrefix(name, "/tmp/fstable-") && strings.HasSuffix(name, ".tmp")
		row("CreateTemp /tmp", fmt.Sprintf("name ok %v %s", ok, c), rerr)
		row("remove temp", "", os.Remove(name))
	} else {
		row("CreateTemp /tmp", "", err)
	}
	d, err := os.MkdirTemp("/tmp", "fstable-dir-")
	row("MkdirTemp /tmp", fmt.Sprint(strings.HasPrefix(d, "/tmp/fstable-dir-")), err)
	os.Remove(d)
}

func walk() {
	os.MkdirAll(p("w/a/b"), 0o755)
	os.MkdirAll(p("w/c"), 0o755)
	os.WriteFile(p("w/a/b/f1"), nil, 0o644)
	os.WriteFile(p("w/a/f2"), nil, 0o644)
	os.WriteFile(p("w/z"), nil, 0o644)
	os.Symlink("a", p("w/link-to-a"))
	var seen []string
	err := fs.WalkDir(os.DirFS(p("w")), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == "c" {
			seen = append(seen, path+"(skipped)")
			return fs.SkipDir
		}
		seen = append(seen, fmt.Sprintf("%s:%v", path, d.Type()))
		return nil
	})
	row("fs.WalkDir", strings.Join(seen, " "), err)
	matches, err := fs.Glob(os.DirFS(p("w")), "a/*")
	row("fs.Glob a/*", strings.Join(matches, " "), err)
	b, err := fs.ReadFile(os.DirFS(dir), "w/z")
	row("fs.ReadFile", fmt.Sprint(len(b)), err)
	_, err = fs.Stat(os.DirFS(p("w")), "../escape")
	row("fs.Stat ../ in DirFS", "", underlyingFS(err))
}

func devices() {
	b, err := os.ReadFile("/dev/null")
	row("read /dev/null", fmt.Sprint(len(b)), err)
	err = os.WriteFile("/dev/null", []byte("discarded"), 0)
	row("write /dev/null", "", err)
	f, err := os.Open("/dev/zero")
	if err == nil {
		z := make([]byte, 4096)
		for i := range z {
			z[i] = 1
		}
		n, rerr := io.ReadFull(f, z)
		f.Close()
		row("read /dev/zero", fmt.Sprintf("%d all zero %v", n, bytes.Count(z, []byte{0}) == len(z)), rerr)
	} else {
		row("read /dev/zero", "", err)
	}
	f, err = os.Open("/dev/urandom")
	if err == nil {
		r1, r2 := make([]byte, 64), make([]byte, 64)
		n1, _ := io.ReadFull(f, r1)
		n2, rerr := io.ReadFull(f, r2)
		f.Close()
		row("read /dev/urandom", fmt.Sprintf("%d %d differ %v nonzero %v", n1, n2, !bytes.Equal(r1, r2), bytes.Count(r1, []byte{0}) < 8), rerr)
	} else {
		row("read /dev/urandom", "", err)
	}
	st, err := os.Stat("/dev/null")
	if err == nil {
		row("stat /dev/null", fmt.Sprintf("chardev %v", st.Mode()&fs.ModeCharDevice != 0), err)
	}
	f, err = os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err == nil {
		_, err = f.Write([]byte("x"))
		f.Close()
	}
	row("write /dev/full", "", underlying(err))
}

func proc() {
	b, err := os.ReadFile("/proc/self/cmdline")
	row("/proc/self/cmdline", strings.ReplaceAll(string(b), "\x00", "|"), err)
	l, err := os.Readlink("/proc/self/exe")
	row("/proc/self/exe", l, err)
	l, err = os.Readlink("/proc/self/cwd")
	row("/proc/self/cwd", l, err)
	f, _ := os.Open("/dev/null")
	l, err = os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
	row("/proc/self/fd/N of /dev/null", l, err)
	f.Close()
}

func cleanup() {
	row("RemoveAll everything", "", os.RemoveAll(dir))
	_, err := os.Stat(dir)
	row("stat after", "", err)
}

func underlying(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func underlyingFS(err error) error {
	if errors.Is(err, fs.ErrInvalid) {
		return errors.New("fs.ErrInvalid")
	}
	return err
}

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
	return "error: " + strings.ReplaceAll(err.Error(), dir, "DIR")
}

var names = map[syscall.Errno]string{
	syscall.ENOENT: "ENOENT", syscall.EEXIST: "EEXIST", syscall.ENOTDIR: "ENOTDIR", syscall.EISDIR: "EISDIR",
	syscall.ELOOP: "ELOOP", syscall.ENOTEMPTY: "ENOTEMPTY", syscall.EINVAL: "EINVAL", syscall.EACCES: "EACCES",
	syscall.EPERM: "EPERM", syscall.EROFS: "EROFS", syscall.ENOSPC: "ENOSPC", syscall.EBADF: "EBADF",
	syscall.ENAMETOOLONG: "ENAMETOOLONG", syscall.EXDEV: "EXDEV", syscall.EIO: "EIO", syscall.ENOSYS: "ENOSYS",
	syscall.EBUSY: "EBUSY", syscall.ENOTSUP: "ENOTSUP", syscall.ESPIPE: "ESPIPE", syscall.EFAULT: "EFAULT",
}
