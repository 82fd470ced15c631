// Persisted container state: the record under --root/<id>/state.json, written atomically.
package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Status is one of the OCI states plus the runtime's own "creating".
type Status string

// The states of the lifecycle; "creating" is persisted before any resource exists so
// that a runnc killed mid-create leaves something `delete --force` can find.
const (
	Creating Status = "creating"
	Created  Status = "created"
	Running  Status = "running"
	Stopped  Status = "stopped"
)

// ErrNotExist is returned for an unknown container id. Its text contains "does not
// exist", which containerd's shim looks for.
var ErrNotExist = errors.New("container does not exist")

const stateFile = "state.json"

// FifoName is the exec fifo the init process blocks on until `start`.
const FifoName = "exec.fifo"

// State is what runnc remembers about one container.
type State struct {
	ID          string            `json:"id"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Status      Status            `json:"status"`
	Pid         int               `json:"pid,omitempty"`
	PidStart    uint64            `json:"pidStart,omitempty"` // /proc/<pid>/stat starttime, guards against pid reuse
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Hooks       *specs.Hooks      `json:"hooks,omitempty"` // poststart/poststop run by later commands
	Image       string            `json:"image,omitempty"` // rootfs disk image in the cache, if any
	MemMB       uint64            `json:"memMB,omitempty"` // guest memory given to the tender
	Pause       bool              `json:"pause,omitempty"` // a sandbox: init never execs a tender
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_+.-]*$`)

// CheckID refuses ids that could escape --root or confuse the tools (runc's rule).
func CheckID(id string) error {
	if id == "" {
		return errors.New("container id cannot be empty")
	}
	if len(id) > 1024 || !idRE.MatchString(id) {
		return fmt.Errorf("invalid container id format: %q", id)
	}
	return nil
}

// Dir is the container's state directory.
func Dir(root, id string) string { return filepath.Join(root, id) }

// Load reads the state of id; ErrNotExist if there is none.
func Load(root, id string) (*State, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(Dir(root, id), stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotExist
	}
	if err != nil {
		return nil, fmt.Errorf("read state of %s: %v", id, err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("state of %s is corrupt: %v", id, err)
	}
	if s.ID != id {
		return nil, fmt.Errorf("state of %s names another container %q", id, s.ID)
	}
	return &s, nil
}

// Save writes the state atomically (temporary file, rename), so a reader sees
// either the old or the new record, never a torn one.
func (s *State) Save(root string) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	dir := Dir(root, s.ID)
	f, err := os.CreateTemp(dir, ".state-*")
	if err != nil {
		return fmt.Errorf("save state: %v", err)
	}
	tmp := f.Name()
	// No fsync: the root is a tmpfs (/run) that does not outlive the machine, and
	// rename alone gives readers the atomicity they need.
	_, werr := f.Write(b)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, filepath.Join(dir, stateFile))
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("save state: %v", werr)
	}
	return nil
}
