// Tearing a container down: kill what is left, wait for it, remove its directory.
package container

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// KillAndWait sends SIGKILL to the container's process group and waits until the
// process is gone (or a zombie awaiting its parent).
func (s *State) KillAndWait() error {
	if !Alive(s.Pid, s.PidStart) {
		return nil
	}
	// Negative pid: the process group, since init is a session leader.
	_ = unix.Kill(-s.Pid, unix.SIGKILL)
	_ = unix.Kill(s.Pid, unix.SIGKILL)
	// SIGKILL always wins, but tearing a process down can take seconds on a loaded
	// machine (50 tenders exiting at once in the emulated aarch64 VM took over 5 s);
	// giving up early would leave the container behind.
	deadline := time.Now().Add(30 * time.Second)
	for delay := 100 * time.Microsecond; time.Now().Before(deadline); delay = min(delay*2, 20*time.Millisecond) {
		if !Alive(s.Pid, s.PidStart) {
			return nil
		}
		time.Sleep(delay)
	}
	state, _, _ := procStat(s.Pid)
	return fmt.Errorf("container %s: process %d did not die after SIGKILL (state %q)", s.ID, s.Pid, state)
}

// RemoveDir deletes the container's state directory.
func RemoveDir(root, id string) error {
	if err := os.RemoveAll(Dir(root, id)); err != nil {
		return fmt.Errorf("remove state of %s: %v", id, err)
	}
	return nil
}
