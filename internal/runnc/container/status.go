// The live status of a container, derived from the record, the process and the fifo.
package container

import (
	"os"
	"path/filepath"
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
	if _, err := os.Lstat(filepath.Join(Dir(root, s.ID), FifoName)); err == nil {
		return Created
	}
	return Running
}
