// The host side of a published port: a TCP proxy in the nabla process, like docker-proxy.
package publish

// Why a proxy and not nftables DNAT: connections from the host's own loopback
// (curl http://127.0.0.1:PORT) never pass PREROUTING, and DNAT of them needs OUTPUT rules
// plus route_localnet (which docker avoids by running docker-proxy for exactly this
// case); and rules in the host's tables outlive a nabla killed with SIGKILL. The proxy
// listens in the host's namespace and dials the guest from inside the private one, so
// every address of the host works, loopback included, and the only host state is the
// listening socket, which the kernel closes with the process. The cost is one copy per
// byte through this process (splice(2) between the sockets, by io.Copy).

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/netthread"
)

// dialTimeout bounds the connect to the guest: a guest that does not answer (stopped,
// or not yet listening behind a full backlog) costs the client this long at most.
const dialTimeout = 10 * time.Second

// forward is one published port's listener and where it leads.
type forward struct {
	ln    net.Listener
	guest unix.SockaddrInet4
	ns    *netthread.NS
	wg    sync.WaitGroup
}

// listen binds the host side of p (before the guest starts: a busy port fails the run
// before anything else happens, as with docker).
func listen(p Port, ns *netthread.NS) (*forward, error) {
	ln, err := net.Listen("tcp", p.HostAddr())
	if err != nil {
		return nil, err
	}
	f := &forward{ln: ln, ns: ns, guest: unix.SockaddrInet4{Port: int(p.GuestPort)}}
	copy(f.guest.Addr[:], GuestIP)
	return f, nil
}

// serve accepts until the listener is closed.
func (f *forward) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE and the like: back off instead of spinning, keep serving.
			time.Sleep(50 * time.Millisecond)
			continue
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.handle(c)
		}()
	}
}

func (f *forward) close() { f.ln.Close() }

// handle joins one client connection to a new connection to the guest. A guest that
// refuses (nothing listening yet) gets the client's connection closed, as docker-proxy does.
func (f *forward) handle(c net.Conn) {
	defer c.Close()
	g, err := f.dialGuest()
	if err != nil {
		return
	}
	defer g.Close()
	done := make(chan struct{})
	go func() {
		pipe(g, c)
		close(done)
	}()
	pipe(c, g)
	<-done
}

// pipe copies src to dst until src ends, then half-closes dst: each direction ends on its
// own (HTTP/1.0 clients, `shutdown(SHUT_WR)`) as on a direct connection.
func pipe(dst, src net.Conn) {
	_, err := io.Copy(dst, src)
	if err != nil {
		// A reset or failed write: end both directions now.
		dst.Close()
		src.Close()
		return
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}

// dialGuest connects to the guest port from inside the private namespace. Only socket(2)
// runs on the namespace's thread (a socket belongs to the namespace it was made in); the
// connect waits in Go's poller from this goroutine, so connections are set up in
// parallel rather than one at a time on that thread.
func (f *forward) dialGuest() (net.Conn, error) {
	var fd int
	err := f.ns.Do(func() error {
		var err error
		fd, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	file := os.NewFile(uintptr(fd), "guest")
	defer file.Close() // net.FileConn keeps a duplicate
	rc, err := file.SyscallConn()
	if err != nil {
		return nil, err
	}
	file.SetWriteDeadline(time.Now().Add(dialTimeout))
	started := false
	var cerr error
	err = rc.Write(func(s uintptr) bool {
		if !started {
			started = true
			cerr = unix.Connect(int(s), &f.guest)
			return cerr != unix.EINPROGRESS // else: wait until writable
		}
		v, err := unix.GetsockoptInt(int(s), unix.SOL_SOCKET, unix.SO_ERROR)
		switch {
		case err != nil:
			cerr = err
		case v != 0:
			cerr = unix.Errno(v)
		default:
			cerr = nil
		}
		return true
	})
	if err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	file.SetWriteDeadline(time.Time{})
	return net.FileConn(file)
}
