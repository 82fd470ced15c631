// fs-vol: prints the working directory, reads a relative file, lists and hashes DIR, and
// tries every kind of write there (each result's errno). Usage: fs-vol DIR RELFILE
package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: fs-vol DIR RELFILE")
		os.Exit(2)
	}
	dir, rel := os.Args[1], os.Args[2]
	wd, err := os.Getwd()
	fmt.Printf("cwd %s %s\n", wd, name(err))
	b, err := os.ReadFile(rel)
	fmt.Printf("read %s: %q %s\n", rel, b, name(err))
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Printf("walk %s: %s\n", p, name(err))
			return nil
		}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			fmt.Printf("f %x %s %s\n", sha256.Sum256(b), p, name(err))
		} else {
			fmt.Printf("%v %s\n", d.Type(), p)
		}
		return nil
	})
	first := ""
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if first == "" && err == nil && d.Type().IsRegular() {
			first = p
		}
		return nil
	})
	try := func(what string, err error) { fmt.Printf("%s: %s\n", what, name(err)) }
	try("create", os.WriteFile(filepath.Join(dir, "created-by-app"), []byte("x"), 0o644))
	_, err = os.Stat(filepath.Join(dir, "created-by-app"))
	try("stat created", err)
	f, err := os.OpenFile(first, os.O_WRONLY|os.O_APPEND, 0)
	if err == nil {
		_, err = f.Write([]byte("appended by app\n"))
		f.Close()
	}
	try("append to "+first, err)
	try("mkdir", os.Mkdir(filepath.Join(dir, "newdir"), 0o755))
	try("rename", os.Rename(first, first+".renamed"))
	try("remove", os.Remove(first))
	try("chmod", os.Chmod(dir, 0o700))
	try("truncate", os.Truncate(first, 0))
	try("symlink", os.Symlink("x", filepath.Join(dir, "newlink")))
	st, err := os.Stat(first)
	if err == nil {
		fmt.Printf("after: %s size %d\n", first, st.Size())
	} else {
		try("stat after", err)
	}
}

func name(err error) string {
	var e syscall.Errno
	if err == nil {
		return "ok"
	}
	if errors.As(err, &e) {
		switch e {
		case syscall.EROFS:
			return "EROFS"
		case syscall.ENOENT:
			return "ENOENT"
		case syscall.EEXIST:
			return "EEXIST"
		case syscall.EACCES:
			return "EACCES"
		case syscall.EPERM:
			return "EPERM"
		}
		return fmt.Sprintf("errno%d", int(e))
	}
	return err.Error()
}
