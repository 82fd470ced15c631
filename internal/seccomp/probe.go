// Probing whether the kernel can load seccomp filters at all, with no side effect.
package seccomp

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Available reports whether this kernel loads seccomp filters, without loading one:
// seccomp(SECCOMP_SET_MODE_FILTER, 0, NULL) fails with EFAULT (the program pointer) on a
// kernel that has filters, EINVAL on one built without CONFIG_SECCOMP_FILTER and ENOSYS
// on one without CONFIG_SECCOMP. The error is one line saying which, for the tenders to
// print before they fork a guest that would otherwise die at the filter step unexplained.
func Available() error {
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, 0)
	return probeResult(errno)
}

// probeResult maps the probe's errno to Available's answer.
func probeResult(errno unix.Errno) error {
	switch {
	case errors.Is(errno, unix.EFAULT):
		return nil
	case errors.Is(errno, unix.ENOSYS):
		return errors.New("this kernel has no seccomp (built without CONFIG_SECCOMP), so no guest can be confined here")
	case errors.Is(errno, unix.EINVAL):
		return errors.New("this kernel has no seccomp filters (built without CONFIG_SECCOMP_FILTER), so no guest can be confined here")
	case errno == 0:
		return errors.New("seccomp probe: the kernel accepted a NULL filter program")
	}
	return fmt.Errorf("seccomp filters are not available here: seccomp(SECCOMP_SET_MODE_FILTER): %v", errno)
}
