// A private network namespace held by one locked OS thread, with persistent taps in it.
package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/netthread"
)

// netns runs functions on a thread that unshared its network namespace. Processes started
// from that thread (tender, ping) inherit the namespace. The thread is never unlocked, so
// Go discards it on close and the namespace dies with it: nothing is left on the host, and
// no `ip netns` bind mount is needed (busybox ip in the VM has no netns support anyway).
type netns = netthread.NS

func newNetns() (*netns, error) {
	n, err := netthread.New()
	if err != nil {
		return nil, err
	}
	// lo up so the host side can reach its own addresses (harness self-test).
	if err := n.Do(func() error { return linkUp("lo") }); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

func tunOpen(name string) (int, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open /dev/net/tun: %v", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return -1, err
	}
	ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("TUNSETIFF %s: %v", name, err)
	}
	return fd, nil
}

// createTap makes a persistent tap (so the tender can attach to it by name), gives it
// addr/24 and brings it up. Call inside the namespace.
func createTap(name string, addr net.IP) error {
	fd, err := tunOpen(name)
	if err != nil {
		return err
	}
	err = unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 1)
	unix.Close(fd)
	if err != nil {
		return fmt.Errorf("TUNSETPERSIST %s: %v", name, err)
	}
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(s)
	set := func(req uint, what string, v []byte) error {
		ifr, err := unix.NewIfreq(name)
		if err != nil {
			return err
		}
		if err := ifr.SetInet4Addr(v); err != nil {
			return err
		}
		if err := unix.IoctlIfreq(s, req, ifr); err != nil {
			return fmt.Errorf("%s %s: %v", what, name, err)
		}
		return nil
	}
	if err := set(unix.SIOCSIFADDR, "SIOCSIFADDR", addr.To4()); err != nil {
		return err
	}
	if err := set(unix.SIOCSIFNETMASK, "SIOCSIFNETMASK", net.IPv4(255, 255, 255, 0).To4()); err != nil {
		return err
	}
	return linkUp(name)
}

// linkUp sets IFF_UP on an interface of the calling thread's namespace.
func linkUp(name string) error {
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(s)
	flags, err := ifFlags(s, name)
	if err != nil {
		return err
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	ifr.SetUint16(flags | unix.IFF_UP)
	if err := unix.IoctlIfreq(s, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCSIFFLAGS %s: %v", name, err)
	}
	return nil
}

func ifFlags(s int, name string) (uint16, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(s, unix.SIOCGIFFLAGS, ifr); err != nil {
		return 0, fmt.Errorf("SIOCGIFFLAGS %s: %v", name, err)
	}
	return ifr.Uint16(), nil
}

// tapHeldBy reports whether process pid or its guest child has tap attached. The tun driver names the
// interface in the fd's fdinfo ("iff:\tNAME"). This is exact, unlike IFF_RUNNING, which
// follows the carrier only after linkwatch's delay and so is briefly stale after the tap
// is created (pinging then would lose packets: a tap with no reader drops them).
func tapHeldBy(pid int, tap string) (bool, error) {
	// Once the guest runs, its process holds the tap and the tender (the waiter) does not.
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, c := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(c); err == nil {
			if held, _ := fdHeldBy(n, tap); held {
				return true, nil
			}
		}
	}
	return fdHeldBy(pid, tap)
}

// fdHeldBy reports whether pid itself has tap open.
func fdHeldBy(pid int, tap string) (bool, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range ents {
		if l, err := os.Readlink(filepath.Join(dir, e.Name())); err != nil || l != "/dev/net/tun" {
			continue
		}
		info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, e.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		for _, line := range strings.Split(string(info), "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "iff:" && f[1] == tap {
				return true, nil
			}
		}
	}
	return false, nil
}

// tapExists reports whether the calling thread's namespace has an interface name.
func tapExists(name string) bool {
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(s)
	_, err = ifFlags(s, name)
	return err == nil
}

// deleteTap removes a persistent tap. It must run before the namespace goes away: taps a
// tender used would otherwise move to the host namespace (machine-facts.md §3).
func deleteTap(name string) error {
	fd, err := tunOpen(name)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 0); err != nil {
		return fmt.Errorf("clear TUNSETPERSIST %s: %v", name, err)
	}
	return nil
}
