// A Kubernetes-style pod: a pause sandbox holds the network namespace (CNI plugs eth0
// into it), and the unikernel container joins it by path.
package runnc

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestPod(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	peer := newPeerNS(t, e.tmp)
	sandbox := &specs.Spec{
		Version: specs.Version,
		Root:    &specs.Root{Path: "rootfs"},
		Process: &specs.Process{Args: []string{"/pause"}, Cwd: "/"},
		Linux:   &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}},
		Hooks: &specs.Hooks{CreateRuntime: []specs.Hook{plugHook(peer, "vp0", "10.0.0.1/24",
			"ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.0.1")}},
	}
	sb := e.bundle(sandbox)
	start := time.Now()
	e.ok("run", "-d", "-b", sb, "pod-sandbox")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("starting the sandbox took %v", d)
	}
	if st := e.state("pod-sandbox"); st["status"] != "running" {
		t.Fatalf("sandbox: %v", st)
	}
	pausePid := int(e.state("pod-sandbox")["pid"].(float64))

	app := netSpec(specs.Hook{}, 3)
	app.Hooks = nil
	app.Linux.Namespaces[0].Path = "/proc/" + strconv.Itoa(pausePid) + "/ns/net"
	ab := e.bundle(app, "test_net.spt")
	out := filepath.Join(e.tmp, "out")
	if r := e.runOut(out, "run", "-d", "-b", ab, "pod-app"); r.code != 0 {
		t.Fatalf("app: %s", r.stderr)
	}
	waitFile(t, out, "Serving ping on 10.0.0.2")
	if po, err := peer.in("ping", "-c", "3", "-i", "0.2", "-W", "2", "10.0.0.2"); err != nil || !strings.Contains(po, " 0% packet loss") {
		t.Errorf("ping: %v\n%s", err, po)
	}
	waitFile(t, out, "SUCCESS")
	e.waitStatus("pod-app", "stopped")
	e.ok("delete", "pod-app")
	// The sandbox is still up; SIGTERM stops it like Kubernetes' pause.
	if st := e.state("pod-sandbox"); st["status"] != "running" {
		t.Errorf("sandbox after app exit: %v", st)
	}
	e.ok("kill", "pod-sandbox", "TERM")
	e.waitStatus("pod-sandbox", "stopped")
	e.ok("delete", "pod-sandbox")
}
