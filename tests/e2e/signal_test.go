// TestSignals: a guest that never exits is ended by SIGTERM and SIGINT within a second.
package e2e

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stopLimit is how soon after the signal the tender must have exited.
const stopLimit = time.Second

// drivesignal waits until the guest has printed something (so the tender is past setup
// and running the guest), sends sig, and checks the tender is gone within stopLimit.
func drivesignal(t *testing.T, r *running, sig syscall.Signal) {
	t.Helper()
	deadline := time.Now().Add(attachTimeout * timeoutScale())
	for r.out.String() == "" {
		if r.exited() {
			t.Errorf("tender exited before the guest printed anything")
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("guest printed nothing within %v", attachTimeout*timeoutScale())
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t0 := time.Now()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Errorf("sending %v: %v", sig, err)
		return
	}
	select {
	case <-r.done:
		t.Logf("%v: tender exited %v after the signal", sig, time.Since(t0).Round(time.Microsecond))
	case <-time.After(stopLimit):
		t.Errorf("tender still running %v after %v", stopLimit, sig)
	}
}

// TestSignals runs test_spin on both tenders: spt dies by the signal as upstream's does
// (shell status 128+N); hvt catches it, stops the vCPU and exits 1 with one line.
func TestSignals(t *testing.T) {
	requireHost(t)
	for _, target := range []string{"spt", "hvt"} {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
			t.Run(fmt.Sprintf("%s/%s", target, strings.ToUpper(sigName(sig))), func(t *testing.T) {
				if target == "hvt" {
					requireKVM(t)
				}
				tender := tenderPath(t, "nabla-"+target)
				r, err := start([]string{tender, guestImageFor(t, "spin", target), "--solo5:quiet"})
				if err != nil {
					t.Fatalf("starting tender: %v", err)
				}
				defer r.kill()
				drivesignal(t, r, sig)
				res, err := r.wait(runTimeout)
				if err != nil {
					t.Fatal(err)
				}
				report := fmt.Sprintf("stdout:\n%s\nstderr:\n%s", indent(res.Stdout), indent(res.Stderr))
				want, wantErr := 128+int(sig), ""
				if target == "hvt" {
					want, wantErr = 1, fmt.Sprintf("nabla-hvt: Exiting on signal %d\n", int(sig))
				}
				if res.Status != want {
					t.Errorf("exit status %d, want %d\n%s", res.Status, want, report)
				}
				if res.Stderr != wantErr {
					t.Errorf("stderr %q, want %q\n%s", res.Stderr, wantErr, report)
				}
				if res.Stdout != "SPINNING\n" {
					t.Errorf("stdout %q, want the guest's one line\n%s", res.Stdout, report)
				}
			})
		}
	}
}

func sigName(s syscall.Signal) string {
	if s == syscall.SIGINT {
		return "sigint"
	}
	return "sigterm"
}
