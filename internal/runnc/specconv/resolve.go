// Resolving process.args[0] as runc does: PATH lookup in the image's env, symlinks kept inside the rootfs.
package specconv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// DefaultPath is the PATH a process without one gets (runc's, and Docker's default).
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// maxLinks bounds the symbolic links followed in one resolution (Linux's MAXSYMLINKS is 40).
const maxLinks = 40

var (
	errNotFound = errors.New("not found in the rootfs")
	errLoop     = errors.New("too many levels of symbolic links")
	// errDangling is errNotFound behind a symbolic link: reported even from a PATH search.
	errDangling = fmt.Errorf("%w", errNotFound)
)

// secureJoin resolves the guest path name (relative names start at cwd) inside the
// directory realRoot, as if realRoot were /: every symbolic link is read and followed
// with its absolute targets and ".." taken relative to realRoot, so the result never
// leaves it. It returns the host path and the guest path of the final file.
func secureJoin(realRoot, cwd, name string) (host, guest string, err error) {
	if !path.IsAbs(name) {
		name = path.Join("/", cwd, name)
	}
	links := 0
	resolved := "/" // guest path resolved so far: no links in it
	rest := name
	for rest != "" {
		var comp string
		comp, rest, _ = strings.Cut(strings.TrimLeft(rest, "/"), "/")
		switch comp {
		case "", ".":
			continue
		case "..":
			resolved = path.Dir(resolved)
			continue
		}
		next := path.Join(resolved, comp)
		st, err := os.Lstat(filepath.Join(realRoot, filepath.FromSlash(next)))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
				if links > 0 {
					return "", next, fmt.Errorf("%s (a symbolic link's target) %w", next, errDangling)
				}
				return "", next, errNotFound
			}
			return "", next, err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			if rest != "" && !st.IsDir() {
				return "", next, errors.New("not a directory")
			}
			resolved = next
			continue
		}
		if links++; links > maxLinks {
			return "", next, errLoop
		}
		target, err := os.Readlink(filepath.Join(realRoot, filepath.FromSlash(next)))
		if err != nil {
			return "", next, err
		}
		if path.IsAbs(target) {
			resolved = "/"
		}
		rest = target + "/" + rest
	}
	return filepath.Join(realRoot, filepath.FromSlash(resolved)), resolved, nil
}

// evalRoot is the rootfs with its own symbolic links resolved (on the host: the bundle's).
func evalRoot(rootfs string) (string, error) { return filepath.EvalSymlinks(rootfs) }

// envPath is the PATH in env (the first one, as getenv finds it), else DefaultPath.
func envPath(env []string) string {
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "PATH="); ok {
			return v
		}
	}
	return DefaultPath
}

// Entry is the resolved entrypoint.
type Entry struct {
	Host  string // host path of the file
	Guest string // its path inside the rootfs, links resolved
	Mode  fs.FileMode
	Size  int64
}

// Resolve finds process.args[0] in the rootfs: a name with a slash is taken as it is
// (relative to process.cwd), one without is looked up in the PATH of process.env as
// execvp does (the first executable regular file wins). For images made for the first
// runnc, a unikernel name not found on PATH is also tried at /.
func (b *Bundle) Resolve() (*Entry, error) {
	p := b.Spec.Process
	name := p.Args[0]
	bad := func(err error) error {
		return fmt.Errorf("process.args[0] %q: %v", name, err)
	}
	if name == "" {
		return nil, bad(errors.New("empty"))
	}
	realRoot, err := evalRoot(b.Rootfs)
	if err != nil {
		return nil, bad(err)
	}
	if strings.Contains(name, "/") {
		e, err := entryAt(realRoot, p.Cwd, name, needExec(name))
		if err != nil {
			return nil, bad(err)
		}
		return e, nil
	}
	pathVar := envPath(p.Env)
	var firstErr error
	for _, dir := range strings.Split(pathVar, ":") {
		if dir == "" {
			dir = "." // an empty PATH element is the current directory
		}
		e, err := entryAt(realRoot, p.Cwd, path.Join(dir, name), needExec(name))
		if err == nil {
			return e, nil
		}
		if firstErr == nil && (!errors.Is(err, errNotFound) || errors.Is(err, errDangling)) {
			firstErr = fmt.Errorf("%s: %v", path.Join(dir, name), err)
		}
	}
	if _, terr := TargetOf(name); terr == nil {
		if e, err := entryAt(realRoot, "/", "/"+name, false); err == nil {
			return e, nil
		}
	}
	if firstErr != nil {
		return nil, bad(firstErr)
	}
	return nil, bad(fmt.Errorf("not found in PATH %s in the rootfs", pathVar))
}

// needExec: programs must be executable, as for runc; unikernel images (.spt, .hvt,
// .nabla) are read by the tender, and the first runnc did not ask for the mode bit.
func needExec(name string) bool {
	_, err := TargetOf(name)
	return err != nil
}

// entryAt checks that name (in the rootfs) is a regular file, executable if exec.
func entryAt(realRoot, cwd, name string, exec bool) (*Entry, error) {
	host, guest, err := secureJoin(realRoot, cwd, name)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(host)
	if err != nil {
		return nil, err
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("%s is a directory", guest)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", guest)
	case exec && st.Mode().Perm()&0o111 == 0:
		return nil, fmt.Errorf("%s is not executable (mode %v)", guest, st.Mode().Perm())
	}
	return &Entry{Host: host, Guest: guest, Mode: st.Mode(), Size: st.Size()}, nil
}

// RootFile checks that the absolute guest path name (a dynamically linked program's
// interpreter) is a regular file of the rootfs, following symbolic links inside it.
func (b *Bundle) RootFile(name string) error {
	realRoot, err := evalRoot(b.Rootfs)
	if err != nil {
		return err
	}
	_, err = entryAt(realRoot, "/", name, false)
	return err
}
