// TestHVTBadInput: the common bad-input checks on nabla-hvt, plus a missing, wrong or
// inaccessible /dev/kvm, simulated in a private mount namespace.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

const nobodyID = 65534

func TestHVTBadInput(t *testing.T) {
	requireHost(t)
	requireKVM(t)
	cases := badInputCases(t, "hvt")
	hello := guestImageFor(t, "hello", "hvt")
	cases = append(cases,
		badCase{name: "no-dev-kvm", stderrHas: "/dev/kvm",
			build: func(t *testing.T, dir string) []string { return []string{hello} },
			mount: func(t *testing.T, dir string) error {
				// A /dev holding only null (exec opens it for stdin): no kvm node at all.
				dev := filepath.Join(dir, "dev")
				if err := os.Mkdir(dev, 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(dev, "null"), nil, 0o666); err != nil {
					return err
				}
				if err := bind("/dev/null", filepath.Join(dev, "null")); err != nil {
					return err
				}
				return bind(dev, "/dev")
			}},
		badCase{name: "dev-kvm-not-kvm", stderrHas: "KVM",
			build: func(t *testing.T, dir string) []string { return []string{hello} },
			mount: func(t *testing.T, dir string) error { return bind("/dev/null", "/dev/kvm") }},
		badCase{name: "dev-kvm-no-permission", stderrHas: "/dev/kvm", nobody: true,
			build: func(t *testing.T, dir string) []string {
				return []string{copyWith(t, hello, filepath.Join(dir, "hello.hvt"), func(b []byte) []byte { return b })}
			},
			mount: func(t *testing.T, dir string) error {
				// A root-only node for the real device, whatever mode the host gives it.
				n := filepath.Join(dir, "kvm")
				if err := unix.Mknod(n, unix.S_IFCHR|0o600, int(unix.Mkdev(10, 232))); err != nil {
					return fmt.Errorf("mknod: %v", err)
				}
				return bind(n, "/dev/kvm")
			}},
	)
	runBadCases(t, tenderPath(t, "nabla-hvt"), cases)
}

func bind(src, dst string) error {
	if err := unix.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind mount %s on %s: %v", src, dst, err)
	}
	return nil
}

// runIsolated runs argv from a locked thread that unshared its mount namespace (made
// private, so nothing propagates to the host) and applied mount; the thread is never
// unlocked, so the namespace dies with it. With nobody, the tender runs as uid/gid
// 65534 from a copy in dir (which is made world-readable for it).
func runIsolated(t *testing.T, argv []string, dir string, mount func(*testing.T, string) error, nobody bool) result {
	t.Helper()
	if nobody {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
			// t.TempDir's parents are 0700: let nobody through for this test only.
			if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o001 == 0 {
				if err := os.Chmod(p, st.Mode().Perm()|0o111); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = os.Chmod(p, st.Mode().Perm()) })
			}
		}
		argv = append([]string(nil), argv...)
		argv[0] = copyWith(t, argv[0], filepath.Join(dir, filepath.Base(argv[0])), func(b []byte) []byte { return b })
		if err := os.Chmod(argv[0], 0o755); err != nil {
			t.Fatal(err)
		}
	}
	type out struct {
		res result
		err error
	}
	done := make(chan out, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread holds the namespace
		var o out
		defer func() { done <- o }()
		if o.err = unix.Unshare(unix.CLONE_NEWNS); o.err != nil {
			o.err = fmt.Errorf("unshare(CLONE_NEWNS): %v", o.err)
			return
		}
		if o.err = unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); o.err != nil {
			o.err = fmt.Errorf("making / private: %v", o.err)
			return
		}
		if mount != nil {
			if o.err = mount(t, dir); o.err != nil {
				return
			}
		}
		r, err := startWith(argv, func(c *exec.Cmd) {
			if nobody {
				c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID}}
			}
		})
		if err != nil {
			o.err = fmt.Errorf("starting tender: %v", err)
			return
		}
		o.res, o.err = r.wait(runTimeout)
	}()
	o := <-done
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.res
}
