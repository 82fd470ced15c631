// Tap attach against real taps, made in a private network namespace (needs root).
package tender

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// inNetns runs f on a thread moved to a fresh network namespace; the thread
// is never given back to the scheduler, so the namespace dies with it.
func inNetns(t *testing.T, f func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("tap tests need root (CAP_NET_ADMIN) to make taps in a private network namespace")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			t.Errorf("unshare(CLONE_NEWNET): %v", err)
			return
		}
		f()
	}()
	<-done
}

// makeTap creates a persistent tap (or tun) called name with the given MTU, up or down.
func makeTap(t *testing.T, name string, flags uint16, mtu uint32, up bool) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("/dev/net/tun: %v", err)
	}
	defer unix.Close(fd)
	ifr, _ := unix.NewIfreq(name)
	ifr.SetUint16(flags | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		t.Fatalf("TUNSETIFF %s: %v", name, err)
	}
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 1); err != nil {
		t.Fatalf("TUNSETPERSIST: %v", err)
	}
	s, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	defer unix.Close(s)
	m, _ := unix.NewIfreq(name)
	m.SetUint32(mtu)
	if err := unix.IoctlIfreq(s, unix.SIOCSIFMTU, m); err != nil {
		t.Fatalf("SIOCSIFMTU: %v", err)
	}
	if up {
		u, _ := unix.NewIfreq(name)
		u.SetUint16(unix.IFF_UP)
		if err := unix.IoctlIfreq(s, unix.SIOCSIFFLAGS, u); err != nil {
			t.Fatalf("SIOCSIFFLAGS: %v", err)
		}
	}
}

func TestAttachTap(t *testing.T) {
	inNetns(t, func() {
		makeTap(t, "ntap0", unix.IFF_TAP, 9000, true)
		makeTap(t, "ndown0", unix.IFF_TAP, 1500, false)
		makeTap(t, "ntun0", unix.IFF_TUN, 1500, true)

		fd, mtu, err := AttachTap("ntap0")
		if err != nil {
			t.Errorf("AttachTap(ntap0): %v", err)
			return
		}
		if mtu != 9000 {
			t.Errorf("MTU %d, want 9000", mtu)
		}
		if fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); fl&unix.O_NONBLOCK == 0 {
			t.Errorf("tap fd is blocking")
		}
		// A second attach of a single-queue tap is refused clearly.
		if _, _, err := AttachTap("ntap0"); err == nil || !strings.Contains(err.Error(), "busy") {
			t.Errorf("second attach: %v", err)
		}
		unix.Close(fd)

		// @FD: a blocking tap fd opened by someone else is adopted and made non-blocking.
		tfd, _ := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
		ifr, _ := unix.NewIfreq("ntap0")
		ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
		if err := unix.IoctlIfreq(tfd, unix.TUNSETIFF, ifr); err != nil {
			t.Errorf("TUNSETIFF: %v", err)
			return
		}
		spec := "@" + strconv.Itoa(tfd)
		if got, mtu, err := AttachTap(spec); err != nil || got != tfd || mtu != 9000 {
			t.Errorf("AttachTap(%s) = %d, %d, %v", spec, got, mtu, err)
		}
		if fl, _ := unix.FcntlInt(uintptr(tfd), unix.F_GETFL, 0); fl&unix.O_NONBLOCK == 0 {
			t.Errorf("@FD was left blocking")
		}
		unix.Close(tfd)

		bad := map[string]string{
			"ndown0": "is down",
			"ntun0":  "not a tap interface",
			"lo":     "is down", // lo exists but is down in a fresh namespace
			"nope0":  "does not exist",
		}
		for name, want := range bad {
			if _, _, err := AttachTap(name); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("AttachTap(%s) = %v, want %q", name, err, want)
			}
		}
	})
}
