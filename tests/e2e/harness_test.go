// Self-test of the harness plumbing (netns, taps, tap-attach detection, ping driver), so a
// broken harness is told apart from a broken tender.
package e2e

import (
	"net"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestHarness(t *testing.T) {
	requireHost(t)
	ns, err := newNetns()
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	tap := tapName(0)
	if err := ns.Do(func() error { return createTap(tap, hostIP(0)) }); err != nil {
		t.Fatal(err)
	}
	// The tap lives only in the private namespace.
	if _, err := net.InterfaceByName(tap); err == nil {
		if _, err := os.Stat("/sys/class/net/" + tap); err == nil {
			t.Errorf("%s is visible in the host namespace", tap)
		}
	}
	running := func() bool {
		up, err := tapHeldBy(os.Getpid(), tap)
		if err != nil {
			t.Fatal(err)
		}
		return up
	}
	if running() {
		t.Errorf("%s reported as attached before it was opened", tap)
	}
	var fd int
	if err := ns.Do(func() error { var e error; fd, e = tunOpen(tap); return e }); err != nil {
		t.Fatal(err)
	}
	if !running() {
		t.Errorf("%s not reported as attached while open", tap)
	}
	unix.Close(fd)
	if running() {
		t.Errorf("%s still reported as attached after close", tap)
	}

	// The ping driver against the host side's own address must see 0% loss.
	var out string
	if err := ns.Do(func() error { var e error; out, e = pingGuest(hostIP(0).String()); return e }); err != nil {
		t.Errorf("ping driver: %v\n%s", err, out)
	}
	if err := ns.Do(func() error { return deleteTap(tap) }); err != nil {
		t.Fatal(err)
	}
	var exists bool
	_ = ns.Do(func() error { exists = tapExists(tap); return nil })
	if exists {
		t.Errorf("%s still exists after deleteTap", tap)
	}
}
