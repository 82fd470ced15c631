// Installing a filter on the calling Go process (used by nabla-hvt and the real-kernel test).
package seccomp

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// Install sets no_new_privs and loads prog for every thread of the process
// (SECCOMP_FILTER_FLAG_TSYNC: a Go program has many threads and the kernel then also
// sets no_new_privs on them). The filter cannot be removed.
func Install(prog []unix.SockFilter) error {
	return InstallFlags(prog, unix.SECCOMP_FILTER_FLAG_TSYNC)
}

// InstallFlags is Install with explicit SECCOMP_FILTER_FLAG_* flags; with flags 0 only the
// calling OS thread (and threads it later creates) is filtered, so callers lock it first.
func InstallFlags(prog []unix.SockFilter, flags uint) error {
	if err := Check(prog); err != nil {
		return err
	}
	// Both calls must act on the same thread: no_new_privs is per thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("seccomp: prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	r, errno := seccompSetFilter(prog, flags)
	if errno != 0 {
		if errors.Is(errno, unix.ENOSYS) {
			return fmt.Errorf("seccomp: the kernel has no seccomp(2) (emulator or CONFIG_SECCOMP_FILTER off): %w", errno)
		}
		return fmt.Errorf("seccomp: seccomp(SECCOMP_SET_MODE_FILTER): %w", errno)
	}
	if r != 0 {
		// With TSYNC a positive result is the id of a thread that could not be synced.
		return fmt.Errorf("seccomp: thread %d could not be synchronised", r)
	}
	return nil
}
