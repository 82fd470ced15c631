// A libOS container with a NIC through runnc: a Go net/http server (tests/libos/apps/
// go-net-server) behind eth0 of the container's namespace, as a CNI plugin or Docker sets it
// up, answers a client in a peer namespace; the address comes from runnc's "net" key.
package runnc

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/bake"
)

// netServerImage is go-net-server baked with a NIC named "service".
func netServerImage(t *testing.T) []byte {
	return bakedApp(t, "go-net-server", bake.Options{Name: "app", Nets: []string{"service"}})
}

// inNetNS runs f on a thread that joined the network namespace at path (sockets made there
// are in it). The thread is never unlocked: Go discards it afterwards.
func inNetNS(path string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			errc <- fmt.Errorf("setns %s: %v", path, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// httpGet makes one HTTP/1.0 request on a fresh connection: the status and the body.
func httpGet(addr, path string) (int, []byte, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return 0, nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
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

func TestLibOSHTTPServer(t *testing.T) {
	requireRoot(t)
	cases := []struct{ name, setup, peerGw string }{
		{"subnet", "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.0.1", ""},
		// Calico style: a /32 and a gateway outside it, reached on-link; the host side of
		// the veth answers for the gateway (Calico does it with proxy ARP).
		{"slash32", "ip addr add 10.0.0.2/32 dev eth0 && ip link set eth0 up && ip route add 169.254.1.1 dev eth0 && ip route add default via 169.254.1.1 dev eth0", "169.254.1.1/32"},
	}
	img := netServerImage(t)
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i*7 + i/251)
	}
	want := sha256.Sum256(big)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			peer := newPeerNS(t, e.tmp)
			s := helloSpec()
			s.Process.Args = []string{"/app.spt"}
			s.Linux = &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}}
			s.Hooks = &specs.Hooks{Prestart: []specs.Hook{plugHook(peer, "vh0", "10.0.0.1/24", c.setup)}}
			b := e.bundle(s)
			os.WriteFile(filepath.Join(b, "rootfs", "app.spt"), img, 0o755)
			out := filepath.Join(e.tmp, "out")
			if r := e.runOut(out, "create", "-b", b, "ln1"); r.code != 0 {
				t.Fatalf("create: %s", r.stderr)
			}
			if c.peerGw != "" {
				if o, err := peer.in("ip", "addr", "add", c.peerGw, "dev", "vh0"); err != nil {
					t.Fatalf("peer gateway address: %v %s", err, o)
				}
			}
			e.ok("start", "ln1")
			err := inNetNS(peer.path, func() error {
				// The peer reaches 10.0.0.2 on its /24; the guest answers on its subnet or
				// through its gateway.
				var err error
				for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
					var st int
					var body []byte
					if st, body, err = httpGet("10.0.0.2:8080", "/hello"); err == nil {
						if st != 200 || string(body) != "hello from 10.0.0.2:8080" {
							return fmt.Errorf("/hello: %d %q", st, body)
						}
						break
					}
				}
				if err != nil {
					return fmt.Errorf("the server never answered: %v", err)
				}
				st, body, err := httpGet("10.0.0.2:8080", "/big")
				if err != nil || st != 200 || sha256.Sum256(body) != want {
					return fmt.Errorf("/big: status %d, %d bytes, err %v", st, len(body), err)
				}
				if _, body, err = httpGet("10.0.0.2:8080", "/quit"); err != nil || !bytes.Equal(body, []byte("bye")) {
					return fmt.Errorf("/quit: %q %v", body, err)
				}
				return nil
			})
			if err != nil {
				got, _ := os.ReadFile(out)
				t.Fatalf("%v; container output:\n%s", err, got)
			}
			waitFile(t, out, "served")
			e.waitStatus("ln1", "stopped")
			e.ok("delete", "ln1")
		})
	}
}
