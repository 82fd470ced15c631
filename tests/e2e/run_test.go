// Runs a tender with a deadline and collects its exit status and output.
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

type result struct {
	Status   int // exit code, or 128+signal like a shell reports it (upstream: 159 = SIGSYS)
	Stdout   string
	Stderr   string
	TimedOut bool
}

// timeoutScale lets slow machines (the TCG VM) stretch every deadline.
func timeoutScale() time.Duration {
	if v, err := strconv.Atoi(os.Getenv("NABLA_E2E_TIMEOUT_SCALE")); err == nil && v > 0 {
		return time.Duration(v)
	}
	return 1
}

// syncBuf is a bytes.Buffer that may be read while the process is still writing to it
// (the signal driver waits for the guest's first line).
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type running struct {
	cmd    *exec.Cmd
	out    syncBuf
	errb   syncBuf
	done   chan struct{} // closed when the process is reaped
	err    error
	waited bool
	res    result
}

// start launches argv; call it from the goroutine (thread) whose netns the tender must use.
func start(argv []string) (*running, error) { return startWith(argv, nil) }

// startWith is start with a hook that adjusts the command (credentials) before it starts.
func startWith(argv []string, prep func(*exec.Cmd)) (*running, error) {
	r := &running{done: make(chan struct{})}
	r.cmd = exec.Command(argv[0], argv[1:]...)
	if prep != nil {
		prep(r.cmd)
	}
	r.cmd.Stdout = &r.out
	r.cmd.Stderr = &r.errb
	r.cmd.Stdin = nil
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { r.err = r.cmd.Wait(); close(r.done) }()
	return r, nil
}

// wait returns the result, killing the tender if it outlives the deadline.
func (r *running) wait(d time.Duration) (result, error) {
	if r.waited {
		return r.res, nil
	}
	select {
	case <-r.done:
	case <-time.After(d * timeoutScale()):
		r.res.TimedOut = true
		_ = r.cmd.Process.Kill()
		<-r.done
	}
	err := r.err
	r.waited = true
	r.res.Stdout, r.res.Stderr = r.out.String(), r.errb.String()
	if err == nil {
		r.res.Status = 0
		return r.res, nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return r.res, fmt.Errorf("waiting for tender: %v", err)
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	switch {
	case ok && ws.Signaled():
		r.res.Status = 128 + int(ws.Signal())
	case ok:
		r.res.Status = ws.ExitStatus()
	default:
		r.res.Status = ee.ExitCode()
	}
	return r.res, nil
}

// exited reports whether the process has already ended.
func (r *running) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// kill stops a tender that is still running (cleanup after a failed driver).
func (r *running) kill() {
	if !r.waited {
		_ = r.cmd.Process.Kill()
		_, _ = r.wait(time.Minute)
	}
}

// run is start+wait for tenders that need no network namespace.
func run(argv []string, d time.Duration) (result, error) {
	r, err := start(argv)
	if err != nil {
		return result{}, err
	}
	return r.wait(d)
}
