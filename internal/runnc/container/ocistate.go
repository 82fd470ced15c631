// The OCI state of a container, as hooks get it and `state` prints it.
package container

import specs "github.com/opencontainers/runtime-spec/specs-go"

// OCIState is the state handed to hooks and printed by `state`.
func (s *State) OCIState(status Status) specs.State {
	st := specs.State{
		Version:     specs.Version,
		ID:          s.ID,
		Status:      specs.ContainerState(status),
		Bundle:      s.Bundle,
		Annotations: s.Annotations,
	}
	if status != Stopped {
		st.Pid = s.Pid
	}
	return st
}
