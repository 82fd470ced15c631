// Kill: send a signal to the container's process, or to all of its processes.
package container

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Kill signals the container's init (the tender once started); all signals its
// process group, which is the container.
func Kill(rootDir, id string, sig unix.Signal, all bool) error {
	lock, err := Acquire(rootDir, id)
	if err != nil {
		return err
	}
	defer lock.Release()
	st, err := Load(rootDir, id)
	if err != nil {
		return err
	}
	if err := Check(OpKill, id, st.Current(rootDir)); err != nil {
		return err
	}
	pid := st.Pid
	if all {
		pid = -pid // init is a session and group leader; the group is the container
	}
	if err := unix.Kill(pid, sig); err != nil {
		if err == unix.ESRCH {
			return errors.New("container not running")
		}
		return fmt.Errorf("kill: %v", err)
	}
	return nil
}
