// A Go net/http server in the unikernel reached from the host through a tap, in a network
// namespace the test makes (nothing is left on the host).
package libos

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/nabla-containers/nabla/internal/netthread"
	"golang.org/x/sys/unix"
)

// netns is a locked thread in a network namespace of its own (netthread): processes
// started there (the tender) and sockets made there are in it.
type netns = netthread.NS

func newNetns(t *testing.T) *netns {
	n, err := netthread.New()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// tapCtl opens /dev/net/tun as tap name (no packet information header).
func tapCtl(name string) (int, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open /dev/net/tun: %v", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err == nil {
		ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
		err = unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr)
	}
	if err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("TUNSETIFF %s: %v", name, err)
	}
	return fd, nil
}

// setTap makes tap name persistent (persist=true, with addr/24, up) or removes it.
func setTap(name string, addr net.IP, persist bool) error {
	fd, err := tapCtl(name)
	if err != nil {
		return err
	}
	v := 0
	if persist {
		v = 1
	}
	err = unix.IoctlSetInt(fd, unix.TUNSETPERSIST, v)
	unix.Close(fd)
	if err != nil || !persist {
		return err
	}
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(s)
	for _, c := range []struct {
		req uint
		v   net.IP
	}{{unix.SIOCSIFADDR, addr}, {unix.SIOCSIFNETMASK, net.IPv4(255, 255, 255, 0)}} {
		ifr, _ := unix.NewIfreq(name)
		ifr.SetInet4Addr(c.v.To4())
		if err := unix.IoctlIfreq(s, c.req, ifr); err != nil {
			return fmt.Errorf("address of %s: %v", name, err)
		}
	}
	ifr, _ := unix.NewIfreq(name)
	if err := unix.IoctlIfreq(s, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(s, unix.SIOCSIFFLAGS, ifr)
}

// getDeadline bounds each get (the loss test, whose transfers crawl, raises it).
var getDeadline = 90 * time.Second

// get makes one HTTP/1.0 request on a connection dialled from the calling thread (so in
// its namespace): the status and body.
func get(addr, method, path string, body []byte) (int, []byte, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(getDeadline)) // ARMv8.0 emulation moves 1 MiB slowly
	req, _ := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(body))
	if err := req.Write(c); err != nil {
		return 0, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		return 0, nil, err
	}
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func requireNetAdmin(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("NABLA_REQUIRE_TOOLS") == "0" {
			t.Skip("needs root (a network namespace and a tap)")
		}
		t.Fatal("needs root (a network namespace and a tap); run as root")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Fatalf("needs /dev/net/tun: %v", err)
	}
}

// tapServer is the go-net-server app in a unikernel behind a tap, in a network namespace of
// its own; the host end of the tap is 10.77.0.1, the guest 10.77.0.2.
type tapServer struct {
	n     *netns
	addr  string // the guest's HTTP server, host:port
	out   *bytes.Buffer
	cmd   *exec.Cmd
	done  chan error
	ended bool // done has been received from
}

const tapName = "nablatap0"

// startTapServer boots the server and waits until /hello answers; stop (deferred) kills it
// if it is still running and removes the tap.
func startTapServer(t *testing.T) *tapServer { return startTapServerMTU(t, 0) }

// startTapServerMTU is startTapServer on a tap whose MTU is mtu (0: the kernel's 1500).
func startTapServerMTU(t *testing.T, mtu int) *tapServer {
	img := bakeAppNet(t, "go-net-server", buildApp(t, "go-net-server"))
	s := &tapServer{n: newNetns(t), addr: "10.77.0.2:8080", out: new(bytes.Buffer), done: make(chan error, 1)}
	if err := s.n.Do(func() error {
		if err := setTap(tapName, net.IPv4(10, 77, 0, 1), true); err != nil || mtu == 0 {
			return err
		}
		l, err := netlink.LinkByName(tapName)
		if err != nil {
			return err
		}
		return netlink.LinkSetMTU(l, mtu)
	}); err != nil {
		s.n.Close()
		t.Fatal(err)
	}
	cfg := `{"argv":["go-net-server"],"net":{"if":"ukvmif0","addr":"10.77.0.2","mask":"24","gw":"10.77.0.1"}}`
	s.cmd = exec.Command(tender(t), "--mem=256", "--net:service="+tapName, img, "--solo5:quiet", cfg)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.n.Do(s.cmd.Start); err != nil {
		s.stop()
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	var status int
	var body []byte
	err := s.n.Do(func() error {
		deadline := time.Now().Add(90 * time.Second)
		var err error
		for time.Now().Before(deadline) {
			if status, body, err = get(s.addr, "GET", "/hello", nil); err == nil {
				return nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		return err
	})
	if err != nil {
		s.stop()
		t.Fatalf("the server never answered: %v; output:\n%s", err, s.out.String())
	}
	if status != 200 || string(body) != "hello from "+s.addr {
		s.stop()
		t.Fatalf("/hello: %d %q", status, body)
	}
	return s
}

func (s *tapServer) stop() {
	if s.cmd.Process != nil && !s.ended {
		s.cmd.Process.Kill()
		<-s.done
	}
	s.n.Do(func() error { return setTap(tapName, nil, false) })
	s.n.Close()
}

// quit asks the server to exit and checks that it did, cleanly.
func (s *tapServer) quit(t *testing.T) {
	t.Helper()
	var st int
	var b []byte
	err := s.n.Do(func() (err error) { st, b, err = get(s.addr, "GET", "/quit", nil); return })
	if err != nil || string(b) != "bye" {
		t.Fatalf("/quit: status %d %q, err %v; output:\n%s", st, b, err, s.out.String())
	}
	select {
	case err := <-s.done:
		s.ended = true
		if err != nil || s.out.String() != "served\n" {
			t.Fatalf("the unikernel ended with %v; output:\n%s", err, s.out.String())
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("the unikernel did not exit after /quit; output:\n%s", s.out.String())
	}
}

// echo POSTs up to /echo on a connection dialled from the calling thread, writing the
// request while it reads the response, as curl and Go's http.Client do. (The handler
// streams the body back as it reads it; a client that reads nothing until it has written
// everything deadlocks once the echo fills what both ends buffer: the guest's 256 KiB
// window and send buffer plus the host socket's buffers; Linux as the server deadlocks the
// same way with its buffers pinned.) rcvbuf > 0 pins the client socket's buffers small,
// so the guest meets zero windows and its writes block while it still receives.
func echo(addr string, up []byte, rcvbuf int) error {
	d := net.Dialer{Timeout: 5 * time.Second}
	if rcvbuf > 0 {
		d.Control = func(_, _ string, rc syscall.RawConn) error {
			var serr error
			rc.Control(func(fd uintptr) {
				if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, rcvbuf); serr == nil {
					serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_SNDBUF, rcvbuf)
				}
			})
			return serr
		}
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(120 * time.Second)) // ARMv8.0 emulation moves 1 MiB slowly
	req, _ := http.NewRequest("POST", "http://"+addr+"/echo", bytes.NewReader(up))
	werr := make(chan error, 1)
	go func() { werr <- req.Write(c) }()
	var b []byte
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err == nil {
		b, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		c.Close() // ends the writer too
	}
	if e := <-werr; err == nil {
		err = e
	}
	if err == nil && (resp.StatusCode != 200 || !bytes.Equal(b, up)) {
		err = fmt.Errorf("status %d, %d bytes back of %d", resp.StatusCode, len(b), len(up))
	}
	return err
}

func TestGoHTTPServerOverTap(t *testing.T) {
	requireNetAdmin(t)
	s := startTapServer(t)
	defer s.stop()
	addr := s.addr
	err := s.n.Do(func() error {
		want := sha256.Sum256(func() []byte {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = byte(i*7 + i/251)
			}
			return b
		}())
		for i := 0; i < 3; i++ {
			st, b, err := get(addr, "GET", "/big", nil)
			if err != nil || st != 200 || sha256.Sum256(b) != want {
				return fmt.Errorf("/big #%d: status %d, %d bytes, err %v", i, st, len(b), err)
			}
		}
		// 1 MiB up and back at once.
		if err := echo(addr, bytes.Repeat([]byte("0123456789abcdef"), 1<<16), 0); err != nil {
			return fmt.Errorf("/echo: %v", err)
		}
		// Connections opened and closed one after another.
		for i := 0; i < 200; i++ {
			st, b, err := get(addr, "GET", "/hello", nil)
			if err != nil || st != 200 || !strings.HasPrefix(string(b), "hello") {
				return fmt.Errorf("request %d: status %d %q, err %v", i, st, b, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v; output:\n%s", err, s.out.String())
	}
	s.quit(t)
}

// TestTapEchoStress: many echoes with both directions at once, through small host socket
// buffers (the guest's sends stall on zero windows while it keeps receiving) and through
// default ones, of sizes from one segment to 1 MiB; each must come back intact.
func TestTapEchoStress(t *testing.T) {
	requireNetAdmin(t)
	s := startTapServer(t)
	defer s.stop()
	reps := 100
	if runtime.GOARCH == "arm64" {
		reps = 8 // emulated: a 1 MiB echo through 4 KiB buffers takes seconds
	}
	sizes := []int{1, 1460, 65537, 300 << 10, 1 << 20}
	err := s.n.Do(func() error {
		for i := 0; i < reps; i++ {
			n := sizes[i%len(sizes)]
			up := make([]byte, n)
			for j := range up {
				up[j] = byte(j*13 + i + j/509)
			}
			for _, buf := range []int{4096, 0} {
				if err := echo(s.addr, up, buf); err != nil {
					return fmt.Errorf("echo #%d (%d bytes, client buffers %d): %v", i, n, buf, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v; output:\n%s", err, s.out.String())
	}
	s.quit(t)
}

// bakeAppNet bakes the app with a NIC named "service" in its manifest.
func bakeAppNet(t *testing.T, name, app string) string {
	t.Helper()
	b, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	img, err := bakeNet(libosImage(t), b, name)
	if err != nil {
		t.Fatalf("bake %s: %v", name, err)
	}
	p := work(t) + "/" + name + "-net.spt"
	if err := os.WriteFile(p, img, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
