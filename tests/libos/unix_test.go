// AF_UNIX sockets: in the libOS's memory, run natively and as a unikernel, outputs compared.
package libos

import "testing"

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
