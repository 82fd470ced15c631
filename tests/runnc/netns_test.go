// Network namespaces: a new one when the spec asks, an existing one when it names a path.
package runnc

import (
	"os"
	"strconv"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func netnsOf(t *testing.T, pid int) string {
	l, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestNetworkNamespace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("network namespace tests need root (run the suite as root)")
	}
	e := newEnv(t)
	s := helloSpec()
	s.Linux = &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}}
	b := e.bundle(s, "test_hello.spt")
	e.ok("create", "-b", b, "n1")
	pid1 := int(e.state("n1")["pid"].(float64))
	ns1 := netnsOf(t, pid1)
	if ns1 == netnsOf(t, os.Getpid()) {
		t.Error("container shares the host network namespace")
	}
	// A second container joins the first one's namespace by path (Kubernetes pods).
	s.Linux.Namespaces[0].Path = "/proc/" + strconv.Itoa(pid1) + "/ns/net"
	b2 := e.bundle(s, "test_hello.spt")
	e.ok("create", "-b", b2, "n2")
	if ns2 := netnsOf(t, int(e.state("n2")["pid"].(float64))); ns2 != ns1 {
		t.Errorf("joined namespace %s, want %s", ns2, ns1)
	}
	e.ok("delete", "n2")
	e.ok("delete", "n1")
	// A path that is not a namespace fails create cleanly.
	s.Linux.Namespaces[0].Path = "/nonexistent/ns"
	e.writeSpec(b2, s)
	e.fails("network namespace", "create", "-b", b2, "n3")
}
