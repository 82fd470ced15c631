// Delete: remove a stopped container (any container with force), then the poststop hooks.
package container

import (
	"errors"
	"fmt"
	"os"

	"github.com/nabla-containers/nabla/internal/runnc/hooks"
)

// Destroy deletes a container. A directory without a state file (a create killed
// before its first save) is removed as runc does.
func Destroy(rootDir, id string, force bool) error {
	lock, err := Acquire(rootDir, id)
	if errors.Is(err, ErrNotExist) {
		if force {
			return nil
		}
		return err
	}
	if err != nil {
		return err
	}
	defer lock.Release()
	st, err := Load(rootDir, id)
	if errors.Is(err, ErrNotExist) {
		_ = RemoveDir(rootDir, id)
		if force {
			return nil
		}
		return err
	}
	if err != nil {
		if !force {
			return err
		}
		// Unreadable state: nothing to kill that we can identify safely.
		return RemoveDir(rootDir, id)
	}
	op := OpDelete
	if force {
		op = OpForceDelete
	}
	s := st.Current(rootDir)
	if err := Check(op, id, s); err != nil {
		return err
	}
	if s != Stopped {
		if err := st.KillAndWait(); err != nil {
			return err
		}
	}
	if err := RemoveDir(rootDir, id); err != nil {
		return err
	}
	if st.Hooks != nil {
		if err := hooks.Run("poststop", st.Hooks.Poststop, st.OCIState(Stopped)); err != nil {
			logf("warning", "%v", err)
			fmt.Fprintln(os.Stderr, "runnc: warning:", err)
		}
	}
	return nil
}
