// A client that reuses its port at once reaches the server again, though the guest holds the last connection in TIME_WAIT.
package libos

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// TestTapTimeWaitReuse: HTTP/1.0 requests with Connection: close, so the server closes
// first and the guest keeps each connection in TIME_WAIT, all from one client port. Linux
// takes a new SYN whose sequence number is past the old connection's in place of the
// TIME_WAIT; so must the guest (lwIP alone answers such a SYN with a reset).
func TestTapTimeWaitReuse(t *testing.T) {
	requireNetAdmin(t)
	s := startTapServer(t)
	defer s.stop()
	const port, rounds = 45123, 30
	err := s.n.Do(func() error {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(10, 77, 0, 1), Port: port}, Timeout: 5 * time.Second,
			Control: func(_, _ string, rc syscall.RawConn) error {
				var serr error
				rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1) })
				return serr
			}}
		for i := 0; i < rounds; i++ {
			// Our end of the last connection may still wait for the guest's final ACK
			// (LAST_ACK): the port is busy for that moment, not refused by the guest.
			var c net.Conn
			var err error
			for try := 0; try < 200; try++ {
				if c, err = d.Dial("tcp", s.addr); !errors.Is(err, syscall.EADDRINUSE) && !errors.Is(err, syscall.EADDRNOTAVAIL) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err != nil {
				return fmt.Errorf("round %d: %v", i, err)
			}
			c.SetDeadline(time.Now().Add(30 * time.Second))
			fmt.Fprintf(c, "GET /hello HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", s.addr)
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err == nil {
				var b []byte
				b, err = io.ReadAll(resp.Body)
				if err == nil && string(b) != "hello from "+s.addr {
					err = fmt.Errorf("body %q", b)
				}
			}
			if err == nil { // the server's FIN: its end closed first
				if _, e := br.ReadByte(); e != io.EOF {
					err = fmt.Errorf("after the body: %v, want the server's EOF", e)
				}
			}
			// The server's FIN came first, so the guest's side ends in TIME_WAIT and ours
			// is free to bind again once the guest acknowledges our FIN.
			c.Close()
			if err != nil {
				return fmt.Errorf("round %d: %v", i, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v; output:\n%s", err, s.out.String())
	}
	s.quit(t)
}
