// `docker run --runtime=runnc`: output, exit status, bridge networking, stop and rm.
package runnc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/containerdtest"
)

type dockerd struct {
	host string
	dir  string
}

// startDockerd runs dockerd inside peer's network namespace (docker0 and its
// iptables rules stay there), with every state directory under dir.
// dockerWorld makes a scratch directory (removed at the end, with a check that nothing is
// still mounted or running under it) and starts a containerd and a dockerd of its own,
// whose bridge is in a peer namespace: what the Docker tests share.
func dockerWorld(t *testing.T, prefix string) (string, *peerNS, *dockerd) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if m, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(m), dir) {
			t.Errorf("mounts left under %s", dir)
		}
		os.RemoveAll(dir)
	})
	removeIfNew(t, "/run/containerd", "/run/containerd/s", "/run/containerd/fifo", "/run/docker", "/run/docker/plugins", "/run/mount", "/etc/docker")
	t.Cleanup(func() {
		if p := ourProcesses(dir); len(p) > 0 {
			t.Errorf("processes left behind: %v", p)
		}
	})
	c := startContainerd(t, dir)
	peer := newPeerNS(t, dir)
	return dir, peer, startDockerd(t, dir, c, peer)
}

func startDockerd(t *testing.T, dir string, c *containerd, peer *peerNS) *dockerd {
	if _, err := exec.LookPath("dockerd"); err != nil {
		t.Fatalf("docker tests need dockerd (apt-get install docker.io): %v", err)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Fatalf("docker tests need the docker CLI: %v", err)
	}
	sock := filepath.Join(dir, "docker.sock")
	logf, _ := os.Create(filepath.Join(dir, "dockerd.log"))
	cmd := exec.Command("nsenter", "--net="+peer.path, "dockerd",
		"--data-root", filepath.Join(dir, "docker"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"), "-H", "unix://"+sock, "--containerd", c.Sock,
		"--add-runtime", "runnc="+runncB, "--bip", "10.99.0.1/24", "--userland-proxy=false",
		"--config-file", filepath.Join(dir, "daemon.json"))
	// The trust key would otherwise go to /etc/docker/key.json.
	os.WriteFile(filepath.Join(dir, "daemon.json"), []byte(`{"deprecated-key-path": "`+filepath.Join(dir, "key.json")+`"}`), 0o644)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &dockerd{host: "unix://" + sock, dir: dir}
	t.Cleanup(func() {
		containerdtest.StopGroup(cmd, filepath.Join(dir, "docker"), filepath.Join(dir, "exec"))
		logf.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if out, err := d.docker(t, "version", "--format", "{{.Server.Version}}"); err == nil && strings.TrimSpace(out) != "" {
			return d
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("dockerd did not come up:\n%s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (d *dockerd) docker(t *testing.T, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", append([]string{"-H", d.host}, args...)...)
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+filepath.Join(d.dir, "cli"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestDockerRun(t *testing.T) {
	hostOnly(t, "Docker")
	requireRoot(t)
	dir, err := os.MkdirTemp("", "runnc-docker-")
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs last: after the daemons stopped and unmounted.
	t.Cleanup(func() {
		if m, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(m), dir) {
			t.Errorf("mounts left under %s", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("remove %s: %v", dir, err)
		}
	})
	removeIfNew(t, "/run/containerd", "/run/containerd/s", "/run/containerd/fifo", "/run/docker", "/run/docker/plugins", "/run/mount", "/etc/docker")
	t.Cleanup(func() {
		if p := ourProcesses(dir); len(p) > 0 {
			t.Errorf("processes left behind: %v", p)
		}
	})
	before := hostLinks(t)
	c := startContainerd(t, dir)
	peer := newPeerNS(t, dir)
	d := startDockerd(t, dir, c, peer)

	for _, img := range []struct {
		tag, name string
		args, env []string
	}{
		{"runnc-hello:latest", "test_hello.spt", nil, []string{"A=1"}},
		{"runnc-abort:latest", "test_abort.spt", nil, nil},
		{"runnc-net:latest", "test_net.spt", []string{"10.99.0.2"}, []string{"RUNNC_CMDLINE=plain"}},
	} {
		p := filepath.Join(dir, img.name+".tar")
		writeImage(t, p, img.tag, img.name, img.args, img.env, true)
		if out, err := d.docker(t, "load", "-i", p); err != nil {
			t.Fatalf("docker load %s: %v\n%s", img.tag, err, out)
		}
	}

	out, err := d.docker(t, "run", "--rm", "--runtime=runnc", "runnc-hello", "from", "docker")
	if err != nil || !strings.Contains(out, "Hello, World") || !strings.Contains(out, `"cmdline":"/test_hello.spt from docker"`) {
		t.Errorf("docker run hello: %v\n%s", err, out)
	}
	out, err = d.docker(t, "run", "--rm", "--runtime=runnc", "--network", "none", "runnc-abort")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 255 {
		t.Errorf("docker run abort: %v (want exit 255)\n%s", err, out)
	}

	// Bridge network: the unikernel answers at the address Docker gave the container.
	out, err = d.docker(t, "run", "-d", "--runtime=runnc", "--name", "pingme", "runnc-net")
	if err != nil {
		t.Fatalf("docker run -d: %v\n%s", err, out)
	}
	ip, err := d.docker(t, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", "pingme")
	ip = strings.TrimSpace(ip)
	if err != nil || ip != "10.99.0.2" {
		t.Errorf("container address %q (%v), want 10.99.0.2 (the guest's configured address)", ip, err)
	}
	if po, err := peer.in("ping", "-c", "5", "-i", "0.2", "-W", "2", "10.99.0.2"); err != nil || !strings.Contains(po, " 0% packet loss") {
		logs, _ := d.docker(t, "logs", "pingme")
		t.Errorf("ping: %v\n%s\nlogs:\n%s", err, po, logs)
	}
	if out, err := d.docker(t, "stop", "-t", "1", "pingme"); err != nil {
		t.Errorf("docker stop: %v\n%s", err, out)
	}
	if out, err := d.docker(t, "rm", "pingme"); err != nil {
		t.Errorf("docker rm: %v\n%s", err, out)
	}
	if out, _ := d.docker(t, "ps", "-aq"); strings.TrimSpace(out) != "" {
		t.Errorf("containers left: %q", out)
	}
	if after := hostLinks(t); after != before {
		t.Errorf("host links changed: %q -> %q", before, after)
	}
}
