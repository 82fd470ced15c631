// AF_UNIX sockets: in the libOS's memory, run natively and as a unikernel, outputs compared.
package libos

import (
	"regexp"
	"testing"
)

// C (musl): socketpair of each type with poll/epoll readiness, half-close, EPIPE and
// SIGPIPE, a named stream server and client (stat of the socket file, EADDRINUSE,
// ECONNREFUSED, unlink), abstract and autobound names, datagram addresses, SO_PEERCRED,
// SCM_RIGHTS.
func TestMuslUnix(t *testing.T) { same(t, runCase{app: "musl-unix"}) }

// Go: net.Listen("unix") with 32 parallel clients and a 4 MB echo, the socket file in stat
// and removed on Close, EADDRINUSE/ECONNREFUSED, deadlines, unixgram addresses and
// truncation, unixpacket boundaries, abstract names, syscall.Socketpair through
// net.FileConn, SO_PEERCRED, SCM_RIGHTS with WriteMsgUnix/ReadMsgUnix.
func TestGoNetUnix(t *testing.T) { same(t, runCase{app: "go-net-unix"}) }

// Socket buffers are the libOS's memory: filling socketpairs in a 48 MiB guest ends with
// ENOBUFS or ENOMEM (not a crash or a hang), twice, and closing them gives the memory back.
func TestMuslUnixOOM(t *testing.T) {
	u := runCase{app: "musl-unix-oom", mem: 48}.unikernel(t)
	want := regexp.MustCompile(`^round 1 stopped by (ENOBUFS|ENOMEM)\nround 2 stopped by (ENOBUFS|ENOMEM)\n` +
		`memory came back: 1 \(pairs 1, 1\)\na socketpair after: 0\n$`)
	if u.status != 0 || !want.MatchString(u.stdout) {
		t.Fatalf("status %d, output:\n%s\nstderr:\n%s", u.status, u.stdout, u.stderr)
	}
	t.Logf("%s", u.stdout)
}
