// TestHVTSeccomp: nabla-hvt's own seccomp filter holds after setup.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// The tender's test hook (internal/hvt/run.go), read from its environment before setup:
// right after installing its filter it calls getppid, which the policy does not allow.
const seccompHook = "NABLA_HVT_TEST_SECCOMP_VIOLATION"

func TestHVTSeccomp(t *testing.T) {
	requireHost(t)
	requireKVM(t)
	tender := tenderPath(t, "nabla-hvt")
	hello := guestImageFor(t, "hello", "hvt")
	for _, tc := range []struct {
		name string
		env  []string
		want int
	}{
		// Control: the same run without the hook works, so a 159 below is the filter.
		{"control", nil, 0},
		// SIGSYS (31) from the kernel's seccomp kill: 128+31, as a shell reports it.
		{"violation", []string{seccompHook + "=1"}, 159},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := startWith([]string{tender, hello, "--solo5:quiet", "Hello_Solo5"}, func(c *exec.Cmd) {
				c.Env = append(os.Environ(), tc.env...)
			})
			if err != nil {
				t.Fatalf("starting tender: %v", err)
			}
			res, err := r.wait(runTimeout)
			if err != nil {
				t.Fatal(err)
			}
			report := fmt.Sprintf("stdout:\n%s\nstderr:\n%s", indent(res.Stdout), indent(res.Stderr))
			if res.Status != tc.want {
				t.Errorf("exit status %d, want %d\n%s", res.Status, tc.want, report)
			}
			if tc.want == 159 && res.Stdout != "" {
				t.Errorf("the guest ran although the tender should have died before it\n%s", report)
			}
		})
	}
}
