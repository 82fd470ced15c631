// The seccomp probe: this kernel has filters, and each errno maps to its own line.
package seccomp

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestAvailable(t *testing.T) {
	if err := Available(); err != nil {
		t.Fatalf("the test kernel must have seccomp filters: %v", err)
	}
	for errno, want := range map[unix.Errno]string{
		unix.ENOSYS: "CONFIG_SECCOMP)", unix.EINVAL: "CONFIG_SECCOMP_FILTER)",
		unix.EPERM: "operation not permitted", 0: "accepted a NULL",
	} {
		err := probeResult(errno)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("errno %d: %v, want one line with %q", int(errno), err, want)
		}
	}
	if probeResult(unix.EFAULT) != nil {
		t.Error("EFAULT (filters present) must be no error")
	}
}
