// Sockets: TCP over the libOS's lwIP, run natively and as a unikernel, outputs compared.
package libos

import (
	"testing"

	"github.com/nabla-containers/nabla/internal/bake"
)

// Loopback inside one process: net/http client and server, a 3 MB upload, 64 parallel
// connections, an 8 MB half-closed stream, a refused connect, EADDRINUSE.
func TestGoNetLoopback(t *testing.T) { same(t, runCase{app: "go-net-loopback"}) }

func bakeNet(libos, app []byte, name string) ([]byte, error) {
	return bake.Bake(libos, app, bake.Options{Arch: arch(), Name: name, Nets: []string{"service"}})
}

// UDP over 127.0.0.1: echo of sizes up to 65000 bytes (fragmented and reassembled in the
// guest), datagram boundaries, truncation, source addresses, read deadlines.
func TestGoNetUDP(t *testing.T) { same(t, runCase{app: "go-net-udp"}) }

// AF_INET6 over ::1: a dual-stack [::] listener (net.Listen's default) reached over ::1 and
// 127.0.0.1 (v4-mapped names from getsockname/getpeername), a [::1] listener, IPV6_V6ONLY,
// UDP over ::1 and from IPv4 to a dual-stack socket.
func TestGoNetIPv6(t *testing.T) { same(t, runCase{app: "go-net-ipv6"}) }

// C sockets in one thread (musl): non-blocking connect with poll and SO_ERROR, accept,
// select, MSG_PEEK, FIONREAD, half-close, a refused connect, UDP, errors.
func TestMuslNet(t *testing.T) { same(t, runCase{app: "musl-net"}) }

// sendfile from a file to TCP and AF_UNIX sockets, every byte checked by a reader thread.
func TestMuslSendfileSocket(t *testing.T) { same(t, runCase{app: "musl-sendfile"}) }

// SO_RCVTIMEO/SO_SNDTIMEO end blocking socket calls with EAGAIN, as natively.
func TestMuslSocketTimeouts(t *testing.T) { same(t, runCase{app: "musl-sotimeo"}) }

// Without a NIC (only the unikernel: the host has routes): ENETUNREACH, EADDRNOTAVAIL.
func TestGoNetNoNIC(t *testing.T) {
	u := runCase{app: "go-net-nonic"}.unikernel(t)
	want := "tcp connect outside: ENETUNREACH true\nudp send outside: ENETUNREACH true\n" +
		"bind outside: EADDRNOTAVAIL true\nloopback listen: true\nloopback connect: true\n"
	if u.status != 0 || u.stdout != want {
		t.Fatalf("status %d, output:\n%s\nwant:\n%s", u.status, u.stdout, want)
	}
}
