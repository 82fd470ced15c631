// go-catfiles: prints what a container process sees: argv, env, cwd, ids, the files
// named by its arguments (content or error), and what writing in a few places gives.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

func errno(err error) string {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e.Error()
	}
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func main() {
	fmt.Printf("argv %q\n", os.Args)
	env := os.Environ()
	sort.Strings(env)
	fmt.Printf("env %q\n", env)
	wd, err := os.Getwd()
	fmt.Printf("cwd %s %s\n", wd, errno(err))
	groups, _ := os.Getgroups()
	sort.Ints(groups)
	fmt.Printf("uid %d gid %d groups %v\n", os.Getuid(), os.Getgid(), groups)
	for _, a := range os.Args[1:] {
		if len(a) > 2 && a[:2] == "w:" { // w:PATH writes PATH, then reads it back
			p := a[2:]
			err := os.WriteFile(p, []byte("written "+p+"\n"), 0o644)
			b, rerr := os.ReadFile(p)
			fmt.Printf("write %s: %s, read back %q %s\n", p, errno(err), b, errno(rerr))
			continue
		}
		if len(a) > 2 && a[:2] == "l:" { // l:DIR lists DIR
			ents, err := os.ReadDir(a[2:])
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			fmt.Printf("list %s: %v %s\n", a[2:], names, errno(err))
			continue
		}
		b, err := os.ReadFile(a)
		abs, _ := filepath.Abs(a)
		fmt.Printf("read %s (%s): %q %s\n", a, abs, b, errno(err))
	}
}
