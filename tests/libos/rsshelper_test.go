// The peak-RSS helper: runs a command from a small, fresh process so that its wait4
// ru_maxrss is the command's own. A child's ru_maxrss starts at the high-water mark of the
// address space it leaves at execve, which for a child of the test binary is the test
// binary's (Go's os/exec shares it until the execve): a test that had grown to 150 MiB
// would see every command it runs "peak" at 150 MiB.
package libos

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// rssEnv asks the re-executed test binary to be the helper (TestMain).
const rssEnv = "NABLA_LIBOS_RSS_HELPER"

// rssHelper runs os.Args[1:] with the helper's environment (less rssEnv), writes the
// child's peak RSS in KiB to fd 3 and exits with the child's status (128+signal when it
// was killed, as a shell reports it).
func rssHelper() {
	syscall.CloseOnExec(3) // the report's pipe: the command must not see it
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, rssEnv+"=") {
			env = append(env, e)
		}
	}
	c := exec.Command(os.Args[1], os.Args[2:]...)
	c.Env, c.Stdin, c.Stdout, c.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // the test's timeout kills the helper
	err := c.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintf(os.Stderr, "rss helper: %v\n", err)
		os.Exit(125)
	}
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		fmt.Fprint(os.NewFile(3, "rss"), ru.Maxrss)
	}
	status := c.ProcessState.ExitCode()
	if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		status = 128 + int(ws.Signal())
	}
	os.Exit(status)
}

// withRSSHelper makes cmd run its command through the helper; the returned function,
// called after cmd ends, gives the command's peak RSS in bytes (0 if unknown).
func withRSSHelper(cmd *exec.Cmd) (func() uint64, error) {
	if cmd.Err != nil { // not found: Run reports it as before
		return func() uint64 { return 0 }, nil
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Args = append([]string{self}, cmd.Args...)
	cmd.Path = self
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(append([]string{}, env...), rssEnv+"=1")
	cmd.ExtraFiles = append(cmd.ExtraFiles, w)
	return func() uint64 {
		w.Close()
		defer r.Close()
		var b [32]byte
		n, _ := r.Read(b[:])
		kib, err := strconv.ParseUint(strings.TrimSpace(string(b[:n])), 10, 64)
		if err != nil {
			return 0
		}
		return kib << 10
	}, nil
}
