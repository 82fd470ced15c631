// The live status of a container, derived from the record, the process and the fifo.
package container

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nabla-containers/nabla/internal/runnc/initproc"
)

// Current returns the container's status now: a dead process means stopped; a live
// one is created while the exec fifo exists (init still waits on it), running after.
func (s *State) Current(root string) Status {
	switch s.Status {
	case Creating:
		if s.Pid == 0 || !Alive(s.Pid, s.PidStart) {
			return Creating
		}
	case Stopped:
		return Stopped
	}
	if !Alive(s.Pid, s.PidStart) {
		return Stopped
	}
	if s.Status == Creating {
		return Creating
	}
	if _, err := os.Lstat(filepath.Join(Dir(root, s.ID), FifoName)); err == nil && waitsOnFifo(s.Pid) {
		return Created
	}
	return Running
}

// InitArgv0 is the init's argv[0], until it execs the tender.
const InitArgv0 = "runnc:init"

// waitsOnFifo reports whether pid is still an init that has not been released. The
// fifo alone does not tell: a `start` killed between releasing init and removing the
// fifo leaves it behind while the tender runs.
func waitsOnFifo(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	arg0, _, _ := strings.Cut(string(b), "\x00")
	if arg0 != InitArgv0 {
		return false
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return err == nil && strings.TrimSpace(string(comm)) != initproc.StartedComm
}
