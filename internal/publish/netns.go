// The unikernel's private network namespace: one locked thread that unshared it.
package publish

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// netNS runs functions on one OS thread that left the host's network namespace for a new
// one. The tender is started from that thread (so it and the guest live in the namespace)
// and the proxy's guest-side sockets are made there. The thread is never unlocked: when
// its goroutine ends, Go ends the thread, and the namespace goes with its last user. Nothing
// about it is named or mounted, so a nabla killed with SIGKILL leaves nothing behind: the
// kernel frees the namespace (and the tap in it) when the process and its tender are gone.
type netNS struct{ calls chan func() }

func newNetNS() (*netNS, error) {
	n := &netNS{calls: make(chan func())}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("new network namespace: %v", err)
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

// do runs f on the namespace's thread and returns its error.
func (n *netNS) do(f func() error) error {
	var err error
	ran := make(chan struct{})
	n.calls <- func() { err = f(); close(ran) }
	<-ran
	return err
}

// close ends the thread (and with it this process's hold on the namespace).
func (n *netNS) close() { close(n.calls) }
