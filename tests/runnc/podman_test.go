// `podman --runtime=runnc run` of ordinary images (the Docker test's static Go programs,
// the guide's HTTP service) against podman with runc: output, stderr, exit status, logs,
// stop, and the service answering on podman's default bridge network.
package runnc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// podmanConf keeps podman to the test's directory and to what works without systemd:
// cgroupfs, events in a file, rlimits within this machine's hard limits (podman as root
// asks for nofile=1048576, which runc then fails to set here).
const podmanConf = `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = %[1]q
tmp_dir = %[2]q
static_dir = %[3]q
volume_path = %[4]q
[network]
network_config_dir = %[5]q
`

// podman runs in a peer network namespace: its default bridge network (CNI's
// cni-podman0, iptables rules) is made there, not on the host.
type podman struct {
	dir  string
	peer *peerNS
}

func newPodman(t *testing.T, dir string, peer *peerNS) *podman {
	for _, tool := range []string{"podman", "conmon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("podman tests need %s (apt-get install podman): %v", tool, err)
		}
	}
	p := &podman{dir: dir, peer: peer}
	cfg := fmt.Sprintf(podmanConf, filepath.Join(dir, "events.log"), filepath.Join(dir, "tmp"), filepath.Join(dir, "static"),
		filepath.Join(dir, "volumes"), filepath.Join(dir, "net"))
	if err := os.WriteFile(filepath.Join(dir, "containers.conf"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// podman has no daemon; what it mounted for storage goes with its reset.
		p.run(t, "rm", "--all", "--force")
		exec.Command("umount", "-R", filepath.Join(dir, "root")).Run()
		exec.Command("umount", "-R", filepath.Join(dir, "runroot")).Run()
	})
	return p
}

func (p *podman) run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	argv := append([]string{"--root", filepath.Join(p.dir, "root"), "--runroot", filepath.Join(p.dir, "runroot"), "--storage-driver", "vfs"}, args...)
	cmd := exec.CommandContext(ctx, "nsenter", append([]string{"--net=" + p.peer.path, "podman"}, argv...)...)
	cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+filepath.Join(p.dir, "containers.conf"))
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func TestPodman(t *testing.T) {
	hostOnly(t, "podman")
	requireRoot(t)
	dir, err := os.MkdirTemp("", "runnc-podman-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if m, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(m), dir) {
			t.Errorf("mounts left under %s", dir)
		}
		os.RemoveAll(dir)
	})
	// podman's fixed paths, whatever its configuration: its shm lock and blob-info cache.
	removeIfNew(t, "/dev/shm/libpod_lock", "/var/lib/containers", "/var/lib/containers/cache", "/var/lib/containers/cache/blob-info-cache-v1.boltdb")
	if _, err := os.Stat(runncRoot); err != nil {
		// Made by this test: removed with the images it cached (tmpfs is memory), after
		// podman's cleanup processes (runnc delete, which makes the root) are gone.
		t.Cleanup(func() { os.RemoveAll(runncRoot) })
	}
	t.Cleanup(func() {
		if p := ourProcesses(dir); len(p) > 0 {
			t.Errorf("processes left behind: %v", p)
		}
	})
	rootBefore := runncDefaultRoot()
	peer := newPeerNS(t, dir)
	p := newPodman(t, dir, peer)
	tarPath := filepath.Join(dir, "rootfs.tar")
	if err := os.WriteFile(tarPath, programsTar(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if o, e, err := p.run(t, "import", "--change", "ENV PATH=/app:/bin", "--change", `ENTRYPOINT ["server"]`, tarPath, "progs:latest"); err != nil {
		t.Fatalf("podman import: %v\n%s%s", err, o, e)
	}
	runtimes := []string{"runc", runncB}
	both := func(what string, args ...string) string {
		t.Helper()
		var outs [2]string
		for i, rt := range runtimes {
			o, e, err := p.run(t, append([]string{"run", "--rm", "--runtime=" + rt, "--network=none", "--hostname=h"}, args...)...)
			outs[i] = sortEnvLines(o) + "\x00" + e + "\x00" + strings.Repeat("x", exitCode(err))
		}
		if outs[0] != outs[1] {
			t.Errorf("%s differs:\nrunc:  %q\nrunnc: %q", what, outs[0], outs[1])
		}
		return outs[0]
	}
	r := both("argv/env/cwd/ids", "-e", "NABLA_ARGS_HEX=1", "progs:latest", "--flag", "a b")
	if !strings.Contains(r, "argv[0] "+hexOf("server")+"\nargv[1] "+hexOf("--flag")+"\nargv[2] "+hexOf("a b")+"\n") {
		t.Errorf("argv under runc not as expected (test premise): %q", r)
	}
	if r := both("exit status", "--entrypoint", "exit3", "progs:latest"); !strings.HasSuffix(r, "\x00xxx") {
		t.Errorf("exit3 under runc: %q", r)
	}
	if r := both("stdout and stderr", "--entrypoint", "stdio", "progs:latest"); !strings.HasPrefix(r, "out 0\nout 1\n") {
		t.Errorf("stdio under runc: %q", r)
	}

	// podman stop: SIGTERM reaches the program, which says bye and exits 0; podman logs
	// keeps each stream.
	for i, rt := range runtimes {
		name := "stop" + string(rune('0'+i))
		// RUNNC_TEST_DIR puts dir into the tender's command line (the guest's env), for
		// ourProcesses: runnc's cache, which holds the image, is outside dir here.
		if o, e, err := p.run(t, "run", "-d", "--name", name, "--runtime="+rt, "--network=none", "-e", "RUNNC_TEST_DIR="+dir, "--entrypoint", "sigterm", "progs:latest"); err != nil {
			t.Fatalf("podman run -d (%s): %v\n%s%s", rt, err, o, e)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			if o, _, _ := p.run(t, "logs", name); o == "ready\n" {
				break
			}
			if time.Now().After(deadline) {
				o, e, _ := p.run(t, "logs", name)
				t.Fatalf("%s: not ready: %q %q", rt, o, e)
			}
			time.Sleep(50 * time.Millisecond)
		}
		tenders := 0
		for _, pr := range ourProcesses(dir) {
			if strings.Contains(pr, ":nabla-spt ") {
				tenders++
			}
		}
		if want := map[bool]int{false: 0, true: 1}[rt == runncB]; tenders != want {
			t.Errorf("%s: %d nabla-spt tenders running, want %d", rt, tenders, want)
		}
		if o, e, err := p.run(t, "stop", "-t", "20", name); err != nil {
			t.Errorf("podman stop (%s): %v\n%s%s", rt, err, o, e)
		}
		code, _, _ := p.run(t, "inspect", "-f", "{{.State.ExitCode}}", name)
		o, e, _ := p.run(t, "logs", name)
		if strings.TrimSpace(code) != "0" || o != "ready\ngot terminated\nbye\n" || e != "" {
			t.Errorf("%s: after podman stop: exit %q, logs %q %q", rt, strings.TrimSpace(code), o, e)
		}
		if o, e, err := p.run(t, "rm", name); err != nil {
			t.Errorf("podman rm (%s): %v\n%s%s", rt, err, o, e)
		}
	}
	// The guide's service on podman's default bridge network: the same answer and logs.
	serverTar := filepath.Join(dir, "server.tar")
	plainImage(t, serverTar, "hello-nabla:latest", []imageFile{programFile(t, "bin/server", "go-pod-server")}, []string{"server"}, []string{"PATH=/bin"})
	if o, e, err := p.run(t, "load", "-i", serverTar); err != nil {
		t.Fatalf("podman load: %v\n%s%s", err, o, e)
	}
	var served [2]string
	for i, rt := range runtimes {
		if o, e, err := p.run(t, "run", "-d", "--name", "web", "--hostname", "web", "--runtime="+rt, "hello-nabla"); err != nil {
			t.Fatalf("podman run -d web (%s): %v\n%s%s", rt, err, o, e)
		}
		ip, _, err := p.run(t, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web")
		ip = strings.TrimSpace(ip)
		if err != nil || ip == "" {
			t.Fatalf("%s: podman inspect: %v %q", rt, err, ip)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			out, err := peer.in("curl", "-sS", "--max-time", "5", "http://"+ip+":8080/")
			if err == nil {
				served[i] = out
				break
			}
			if time.Now().After(deadline) {
				o, e, _ := p.run(t, "logs", "web")
				t.Fatalf("%s: curl http://%s:8080/: %v\n%s\nlogs: %q %q", rt, ip, err, out, o, e)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if o, e, err := p.run(t, "stop", "-t", "20", "web"); err != nil {
			t.Errorf("podman stop web (%s): %v\n%s%s", rt, err, o, e)
		}
		o, e, _ := p.run(t, "logs", "web")
		served[i] += "\x00" + o + "\x00" + e
		if o, e, err := p.run(t, "rm", "web"); err != nil {
			t.Errorf("podman rm web (%s): %v\n%s%s", rt, err, o, e)
		}
	}
	if want := "hello from web\n\x00listening on :8080\ngot terminated\nbye\n\x00stderr is separate\nrequest GET /\n"; served[0] != want || served[1] != want {
		t.Errorf("the served pod:\nrunc:  %q\nrunnc: %q\nwant:  %q", served[0], served[1], want)
	}
	if out, _ := peer.in("ip", "-o", "link", "show", "type", "veth"); strings.TrimSpace(out) != "" {
		t.Errorf("veths left in podman's namespace:\n%s", out)
	}
	if o, _, _ := p.run(t, "ps", "-aq"); strings.TrimSpace(o) != "" {
		t.Errorf("containers left: %q", o)
	}
	// runnc's state: podman gives a runtime it does not know no --root (its cleanup
	// process would not pass a --runtime-flag either), so runnc keeps containers in its
	// default /run/runnc. Only the image cache may stay there.
	if after := runncDefaultRoot(); !slices.Equal(after, rootBefore) {
		t.Errorf("/run/runnc: %v -> %v", rootBefore, after)
	}
}

// sortEnvLines sorts go-args' "env" lines among themselves: podman orders the image's
// and the command line's variables differently from one run to the next.
func sortEnvLines(s string) string {
	lines := strings.Split(s, "\n")
	var env []int
	var vals []string
	for i, l := range lines {
		if strings.HasPrefix(l, "env ") {
			env = append(env, i)
			vals = append(vals, l)
		}
	}
	sort.Strings(vals)
	for k, i := range env {
		lines[i] = vals[k]
	}
	return strings.Join(lines, "\n")
}

// runncRoot is runnc's default --root, which podman leaves it.
const runncRoot = "/run/runnc"

// runncDefaultRoot lists runnc's default root but for its image cache.
func runncDefaultRoot() []string {
	var out []string
	ents, _ := os.ReadDir(runncRoot)
	for _, e := range ents {
		if e.Name() != ".cache" {
			out = append(out, e.Name())
		}
	}
	return out
}
