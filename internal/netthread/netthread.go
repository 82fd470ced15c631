// Package netthread runs functions on one locked OS thread that left the process's network namespace for a new one of its own.
package netthread

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// NS is the thread. Processes started from it (a tender) and sockets made on it live in
// its namespace. The thread is never unlocked: when its goroutine ends, Go ends the thread,
// and the namespace goes with its last user. Nothing is named or mounted, so a process
// killed with SIGKILL leaves nothing behind: the kernel frees the namespace (and any tap in
// it) once the process and its children are gone.
type NS struct {
	calls chan func()
	done  chan struct{}
}

// New starts the thread in a new network namespace.
func New() (*NS, error) {
	n := &NS{calls: make(chan func()), done: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread must not return to Go's pool
		defer close(n.done)
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("new network namespace (unshare CLONE_NEWNET): %v", err)
			return // the thread ends with the goroutine: it was not changed
		}
		errc <- nil
		for f := range n.calls {
			f()
		}
	}()
	if err := <-errc; err != nil {
		return nil, err
	}
	return n, nil
}

// Do runs f on the thread, in the namespace, and returns its error.
func (n *NS) Do(f func() error) error {
	var err error
	ran := make(chan struct{})
	n.calls <- func() { err = f(); close(ran) }
	<-ran
	return err
}

// Close ends the thread (and this process's hold on the namespace) and waits for it.
func (n *NS) Close() {
	close(n.calls)
	<-n.done
}
