// The native side of the file tests: the test binary re-executed in a private mount
// namespace mounts /proc, /dev and the volumes into a tree, chroots into it and execs the app.
package libos

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// chrootEnv names the helper's request in the environment of the re-executed test binary.
const chrootEnv = "NABLA_LIBOS_CHROOT_HELPER"

// chrootSpec is what the helper does before exec.
type chrootSpec struct {
	Root    string
	Volumes []volume
	Workdir string
	Argv    []string
	Env     []string
}

// volume is a host path shown at a path of the guest (--volume=HOST:GUEST[:ro]).
type volume struct {
	Host, Guest string
	RO          bool
}

func (v volume) flag() string {
	s := "--volume=" + v.Host + ":" + v.Guest
	if v.RO {
		s += ":ro"
	}
	return s
}

func TestMain(m *testing.M) {
	if s := os.Getenv(chrootEnv); s != "" {
		chrootHelper(s) // does not return
	}
	if os.Getenv(rssEnv) != "" {
		rssHelper() // does not return
	}
	os.Exit(m.Run())
}

// chrootHelper runs in the child, already in its own mount namespace (made private by
// Go's Unshareflags handling), so nothing it mounts is seen outside or outlives it.
func chrootHelper(s string) {
	var c chrootSpec
	fail := func(f string, a ...any) {
		fmt.Fprintf(os.Stderr, "chroot helper: "+f+"\n", a...)
		os.Exit(125)
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		fail("bad spec: %v", err)
	}
	if err := syscall.Mount("proc", filepath.Join(c.Root, "proc"), "proc", 0, ""); err != nil {
		fail("mount proc: %v", err)
	}
	if err := syscall.Mount("/dev", filepath.Join(c.Root, "dev"), "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		fail("bind /dev: %v", err)
	}
	for _, v := range c.Volumes {
		at := filepath.Join(c.Root, v.Guest)
		st, err := os.Stat(v.Host)
		if err != nil {
			fail("volume: %v", err)
		}
		if st.IsDir() {
			err = os.MkdirAll(at, 0o755)
		} else {
			os.MkdirAll(filepath.Dir(at), 0o755)
			err = os.WriteFile(at, nil, 0o644)
		}
		if err != nil {
			fail("volume mount point: %v", err)
		}
		if err := syscall.Mount(v.Host, at, "", syscall.MS_BIND, ""); err != nil {
			fail("bind %s: %v", v.Host, err)
		}
		if v.RO {
			if err := syscall.Mount("", at, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
				fail("remount %s read-only: %v", at, err)
			}
		}
	}
	if err := syscall.Chroot(c.Root); err != nil {
		fail("chroot: %v", err)
	}
	wd := c.Workdir
	if wd == "" {
		wd = "/"
	}
	if err := os.Chdir(wd); err != nil {
		fail("chdir: %v", err)
	}
	syscall.Umask(0o022)
	err := syscall.Exec(c.Argv[0], c.Argv, c.Env)
	fail("exec %s: %v", c.Argv[0], err)
}
