// Networking: eth0 (plugged in by a prestart hook, as Docker does) moves to the guest's
// tap; a peer namespace pings the unikernel; nothing is left behind.
package runnc

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// peerNS is a network namespace held by a sleeping process, the "host side" of the
// test network, so the real host namespace is never touched.
type peerNS struct {
	cmd  *exec.Cmd
	path string
}

func newPeerNS(t *testing.T, tag string) *peerNS {
	cmd := exec.Command("unshare", "--net", "sh", "-c", "sleep 600; : "+tag)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("unshare: %v", err)
	}
	p := &peerNS{cmd: cmd, path: "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/ns/net"}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	// Wait until unshare has entered its namespace.
	self, _ := os.Readlink("/proc/self/ns/net")
	for i := 0; i < 500; i++ {
		if l, err := os.Readlink(p.path); err == nil && l != self {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	return p
}

// in runs a command in the peer namespace.
func (p *peerNS) in(args ...string) (string, error) {
	out, err := exec.Command("nsenter", append([]string{"--net=" + p.path}, args...)...).CombinedOutput()
	return string(out), err
}

// plugHook is a prestart hook that makes a veth pair between the peer namespace and
// the container's (the test binary's plug-veth), names the container end eth0 and
// configures it like a CNI plugin.
func plugHook(p *peerNS, veth, peerAddr string, setup string) specs.Hook {
	self, _ := os.Executable() // fails only without /proc; the hook then fails clearly
	script := fmt.Sprintf(`set -e
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
'%[5]s' %[6]s %[1]s %[2]s $pid
nsenter --net=%[1]s ip addr add %[3]s dev %[2]s
nsenter --net=%[1]s ip link set %[2]s up
nsenter --net=/proc/$pid/ns/net sh -c '%[4]s'
`, p.path, veth, peerAddr, setup, self, plugVethArg)
	return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", script}}
}

func netSpec(hook specs.Hook, pings int) *specs.Spec {
	s := helloSpec()
	s.Process.Args = []string{"/test_net.spt", "10.0.0.2", "limit=" + strconv.Itoa(pings)}
	s.Annotations = map[string]string{"org.nabla-containers.runnc.cmdline": "plain"}
	s.Linux = &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}}
	s.Hooks = &specs.Hooks{Prestart: []specs.Hook{hook}}
	return s
}

func requireRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("network tests need root (run the suite as root)")
	}
	for _, tool := range []string{"unshare", "nsenter", "ip", "ping"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("network tests need %s: %v", tool, err)
		}
	}
}

func hostLinks(t *testing.T) string {
	ents, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

func TestNetworkPing(t *testing.T) {
	requireRoot(t)
	cases := []struct{ name, setup string }{
		{"subnet", "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.0.1"},
		// Calico style: a /32 and a gateway outside it, reached on-link.
		{"slash32", "ip addr add 10.0.0.2/32 dev eth0 && ip link set eth0 up && ip route add 169.254.1.1 dev eth0 && ip route add default via 169.254.1.1 dev eth0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			before := hostLinks(t)
			peer := newPeerNS(t, e.tmp)
			const pings = 5
			b := e.bundle(netSpec(plugHook(peer, "vh0", "10.0.0.1/24", c.setup), pings), "test_net.spt")
			out := filepath.Join(e.tmp, "out")
			if r := e.runOut(out, "create", "-b", b, "net1"); r.code != 0 {
				t.Fatalf("create: %s", r.stderr)
			}
			pid := int(e.state("net1")["pid"].(float64))
			ns := "/proc/" + strconv.Itoa(pid) + "/ns/net"
			link, _ := exec.Command("nsenter", "--net="+ns, "ip", "-o", "link", "show", "eth0").Output()
			_, mac, _ := strings.Cut(string(link), "link/ether ")
			mac, _, _ = strings.Cut(mac, " ")
			addrs, _ := exec.Command("nsenter", "--net="+ns, "ip", "-4", "-o", "addr", "show", "dev", "eth0").Output()
			if len(strings.TrimSpace(string(addrs))) != 0 {
				t.Errorf("eth0 still has an address: %s", addrs)
			}
			e.ok("start", "net1")
			// The tender execs its waiter once the guest runs (same argv); a read in the
			// middle of that exec sees an empty cmdline, so read until it settles.
			want := "--net-mac:service=" + mac
			var cmdline []byte
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				cmdline, _ = os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
				if len(cmdline) != 0 {
					break
				}
			}
			if mac == "" || !strings.Contains(string(cmdline), want) {
				t.Errorf("tender cmdline %q lacks %q", cmdline, want)
			}
			waitFile(t, out, "Serving ping on 10.0.0.2")
			if po, err := peer.in("ping", "-c", strconv.Itoa(pings), "-i", "0.2", "-W", "2", "10.0.0.2"); err != nil || !strings.Contains(po, " 0% packet loss") {
				t.Errorf("ping: %v\n%s", err, po)
			}
			waitFile(t, out, "SUCCESS")
			e.waitStatus("net1", "stopped")
			e.ok("delete", "net1")
			if after := hostLinks(t); after != before {
				t.Errorf("host links changed: %q -> %q", before, after)
			}
			// The container's namespace died with the tender, taking the veth with it.
			deadline := time.Now().Add(5 * time.Second)
			for {
				o, _ := peer.in("ip", "-o", "link")
				if !strings.Contains(o, "vh0") {
					break
				}
				if time.Now().After(deadline) {
					t.Errorf("veth left in the peer namespace:\n%s", o)
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestNetworkUnplugged: an image with a NIC in a namespace without eth0 gets a tap with
// no link, runs until killed, and delete of a running container needs --force.
func TestNetworkUnplugged(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	s := helloSpec()
	s.Process.Args = []string{"/test_net.spt", "10.0.0.2"}
	s.Annotations = map[string]string{"org.nabla-containers.runnc.cmdline": "plain"}
	s.Linux = &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}}
	b := e.bundle(s, "test_net.spt")
	out := filepath.Join(e.tmp, "out")
	e.runOut(out, "run", "-d", "-b", b, "u1")
	waitFile(t, out, "Serving ping")
	if st := e.state("u1"); st["status"] != "running" {
		t.Fatalf("state %v", st)
	}
	e.fails("cannot delete container u1 that is not stopped: running", "delete", "u1")
	e.fails("cannot start an already running container", "start", "u1")
	e.ok("kill", "u1", "SIGKILL")
	e.waitStatus("u1", "stopped")
	e.ok("delete", "u1")

	// Without a network namespace an image with a NIC is refused.
	s.Linux = nil
	e.writeSpec(b, s)
	e.fails("needs a network namespace", "create", "-b", b, "u2")

	// --force deletes a running container.
	s.Linux = &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}}
	e.writeSpec(b, s)
	e.runOut(out, "run", "-d", "-b", b, "u3")
	e.waitStatus("u3", "running")
	e.ok("delete", "--force", "u3")
}
