// TestSPT: every guest/tests/test_*/expect.json case against nabla-spt for this arch.
package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	runTimeout    = 30 * time.Second // a guest that runs longer has hung
	attachTimeout = 10 * time.Second // tender start until it holds the tap
)

func TestSPT(t *testing.T) {
	requireHost(t)
	tender := tenderPath(t, "nabla-spt")
	cases, err := loadCases(testsDir())
	if err != nil {
		t.Fatalf("loading expectations: %v", err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			e, o := c.Expect.forTender("spt")
			if o.NA != "" {
				t.Skipf("not applicable on spt: %s", o.NA)
			}
			runCase(t, tender, guestImage(t, c.Name), e)
		})
	}
}

func guestImage(t *testing.T, name string) string { return guestImageFor(t, name, "spt") }

// guestImageFor is the image of test_<name> built for target ("spt" or "hvt").
func guestImageFor(t *testing.T, name, target string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(guestDir(), guestArch(), "test_"+name+"."+target))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("guest image missing (build guests; NABLA_GUEST_DIR overrides): %v", err)
	}
	return p
}

// blockArgs creates the backing files in dir and returns the tender options for them.
func blockArgs(dir string, blocks []blockSpec) ([]string, error) {
	var args []string
	for _, b := range blocks {
		for _, name := range b.names() {
			path := filepath.Join(dir, name+".img")
			f, err := os.Create(path)
			if err != nil {
				return nil, err
			}
			size := b.Size
			if size == 0 {
				size = 1 << 20
			}
			err = f.Truncate(size)
			f.Close()
			if err != nil {
				return nil, err
			}
			args = append(args, "--block:"+name+"="+path)
			if b.Sector != 0 {
				args = append(args, fmt.Sprintf("--block-sector-size:%s=%d", name, b.Sector))
			}
		}
	}
	return args, nil
}

// tapName and hostIP give net i its tap and host-side address (10.i.0.1/24; net 0 is the
// contract's 10.0.0.1/24). The prefix makes a tap leaked by a killed test run (the kernel
// moves persistent taps to the host namespace when theirs dies) easy to recognise.
func tapName(i int) string  { return "e2etap" + strconv.Itoa(i) }
func hostIP(i int) net.IP   { return net.IPv4(10, byte(i), 0, 1) }
func memArg(mib int) string { return "--mem=" + strconv.Itoa(mib) }

// shorten keeps logs readable for cases with many devices (mft_maxdevices: 63 blocks).
func shorten(s string) string {
	if len(s) > 600 {
		return s[:300] + " ... " + s[len(s)-250:]
	}
	return s
}

func indent(s string) string {
	return "\t" + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n\t")
}

// runCase runs image on tender with the expectation e (already resolved for the tender).
func runCase(t *testing.T, tender, image string, e expectation) {
	argv := []string{tender}
	if e.Mem > 0 {
		argv = append(argv, memArg(e.Mem))
	}
	bargs, err := blockArgs(t.TempDir(), e.Blocks)
	if err != nil {
		t.Fatalf("creating block files: %v", err)
	}
	argv = append(argv, bargs...)
	for i, n := range e.Nets {
		argv = append(argv, "--net:"+n.Name+"="+tapName(i))
	}
	argv = append(argv, image)
	argv = append(argv, e.Args...)
	t.Logf("running %s", shorten(strings.Join(argv, " ")))

	var ns *netns
	if len(e.Nets) > 0 {
		if ns, err = newNetns(); err != nil {
			t.Fatalf("network namespace: %v", err)
		}
		var made []string
		defer func() {
			for _, tap := range made {
				if err := ns.Do(func() error { return deleteTap(tap) }); err != nil {
					t.Errorf("cleanup: %v", err)
				}
			}
			ns.Close()
		}()
		for i := range e.Nets {
			tap := tapName(i)
			if err := ns.Do(func() error { return createTap(tap, hostIP(i)) }); err != nil {
				t.Fatalf("tap setup: %v", err)
			}
			made = append(made, tap)
		}
	}

	var r *running
	startIt := func() error { r, err = start(argv); return err }
	if ns != nil {
		err = ns.Do(startIt)
	} else {
		err = startIt()
	}
	if err != nil {
		t.Fatalf("starting tender: %v", err)
	}
	defer r.kill() // runs before the tap cleanup above: taps must be free to delete

	switch e.Driver {
	case "ping":
		driveping(t, ns, r, e.Nets[0].IP)
	case "signal":
		drivesignal(t, r, syscall.SIGTERM)
	}

	res, err := r.wait(runTimeout)
	if err != nil {
		t.Fatal(err)
	}
	report := fmt.Sprintf("stdout:\n%s\nstderr:\n%s", indent(res.Stdout), indent(res.Stderr))
	if res.TimedOut {
		t.Fatalf("tender still running after %v; killed\n%s", runTimeout*timeoutScale(), report)
	}
	if res.Status != *e.Exit {
		t.Errorf("exit status %d, want %d\n%s", res.Status, *e.Exit, report)
	}
	if e.Stdout != nil && res.Stdout != *e.Stdout {
		t.Errorf("stdout mismatch: want\n%s\n%s", indent(*e.Stdout), report)
	}
	for _, s := range e.Contains {
		if !strings.Contains(res.Stdout, s) {
			t.Errorf("stdout lacks %q\n%s", s, report)
		}
	}
	for _, s := range e.Absent {
		if strings.Contains(res.Stdout, s) {
			t.Errorf("stdout has %q, which must be absent\n%s", s, report)
		}
	}
}

// driveping waits until the tender holds tap0, then pings the guest from inside the
// namespace. Failures are reported; the caller still checks the guest's own exit.
func driveping(t *testing.T, ns *netns, r *running, ip string) {
	t.Helper()
	deadline := time.Now().Add(attachTimeout * timeoutScale())
	for {
		up, err := tapHeldBy(r.cmd.Process.Pid, tapName(0))
		if err != nil && !r.exited() {
			t.Errorf("waiting for the tender to open %s: %v", tapName(0), err)
			return
		}
		if up {
			break
		}
		if r.exited() {
			t.Errorf("tender exited before opening %s", tapName(0))
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("tender did not open %s within %v", tapName(0), attachTimeout*timeoutScale())
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	var out string
	err := ns.Do(func() error { var e error; out, e = pingGuest(ip); return e })
	if err != nil {
		t.Errorf("%v\nping output:\n%s", err, indent(out))
	} else {
		t.Logf("ping: %s", strings.TrimSpace(pingSummary.FindString(out)))
	}
}
