// Start: release the init waiting on the exec fifo so it execs the tender.
package container

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/runnc/hooks"
)

// Start releases a created container's init from the exec fifo so it execs the tender,
// then runs the poststart hooks.
func Start(rootDir, id string) error {
	lock, err := Acquire(rootDir, id)
	if err != nil {
		return err
	}
	defer lock.Release()
	st, err := Load(rootDir, id)
	if errors.Is(err, ErrNotExist) {
		// We hold the lock on the directory: a create died before its first save.
		return Check(OpStart, id, Creating)
	}
	if err != nil {
		return err
	}
	logf("debug", "start %s: loaded", id)
	testStop("start:locked")
	if err := Check(OpStart, id, st.Current(rootDir)); err != nil {
		return err
	}
	logf("debug", "start %s: released", id)
	if err := releaseFifo(rootDir, st); err != nil {
		return err
	}
	logf("debug", "start %s: tender running", id)
	st.Status = Running
	if err := st.Save(rootDir); err != nil {
		return err
	}
	testStop("start:saved")
	if st.Hooks != nil {
		// A failing poststart hook is reported, but the container keeps running (OCI).
		if err := hooks.Run("poststart", st.Hooks.Poststart, st.OCIState(Running)); err != nil {
			logf("warning", "%v", err)
			fmt.Fprintln(os.Stderr, "runnc: warning:", err)
		}
	}
	return nil
}

// releaseFifo opens the fifo without blocking and waits for init's byte, giving up if
// init dies first.
func releaseFifo(rootDir string, st *State) error {
	path := filepath.Join(Dir(rootDir, st.ID), FifoName)
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open exec fifo: %v", err)
	}
	defer f.Close()
	testStop("start:opened")
	buf := make([]byte, 1)
	deadline := time.Now().Add(10 * time.Second)
	for delay := 50 * time.Microsecond; ; delay = min(delay*2, 10*time.Millisecond) {
		n, err := unix.Read(int(f.Fd()), buf)
		if n == 1 {
			break
		}
		if err != nil && err != unix.EAGAIN && err != io.EOF {
			return fmt.Errorf("read exec fifo: %v", err)
		}
		if !Alive(st.Pid, st.PidStart) {
			// A fast guest may have run and exited already; its init's byte is
			// still in the fifo if it got that far.
			if n, _ := unix.Read(int(f.Fd()), buf); n == 1 {
				break
			}
			return errors.New("container init exited before start")
		}
		if time.Now().After(deadline) {
			return errors.New("container init did not answer on the exec fifo")
		}
		time.Sleep(delay)
	}
	testStop("start:read")
	if err := os.Remove(path); err != nil {
		return err
	}
	testStop("start:removed")
	if !st.Pause {
		waitExec(st)
	}
	return nil
}

// waitExec waits until init has replaced itself with the tender (its argv[0] is no
// longer runnc's), so poststart hooks run after the container process started.
func waitExec(st *State) {
	deadline := time.Now().Add(5 * time.Second)
	for delay := 50 * time.Microsecond; time.Now().Before(deadline); delay = min(delay*2, 5*time.Millisecond) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", st.Pid))
		if err != nil || !Alive(st.Pid, st.PidStart) {
			return
		}
		if arg0, _, _ := strings.Cut(string(b), "\x00"); arg0 != InitArgv0 {
			return
		}
		time.Sleep(delay)
	}
}
