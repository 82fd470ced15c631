// `ctr run --runc-binary runnc`: containerd's runc shim drives runnc unchanged.
package runnc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/containerdtest"
)

// containerd is a private containerd for one test: state in a temporary root, stopped by pid.
type containerd struct{ *containerdtest.Daemon }

func startContainerd(t *testing.T, dir string) *containerd {
	if os.Geteuid() != 0 {
		t.Fatal("ctr tests need root (containerd, snapshots, network namespaces)")
	}
	for _, tool := range []string{"containerd", "ctr", "containerd-shim-runc-v2"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("ctr tests need %s (apt-get install containerd): %v", tool, err)
		}
	}
	d, err := containerdtest.Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	return &containerd{d}
}

func (c *containerd) ctr(t *testing.T, args ...string) (string, error) {
	return c.Ctr("runnctest", args...)
}

func TestCtrRun(t *testing.T) {
	hostOnly(t, "containerd")
	dir, err := os.MkdirTemp("", "runnc-ctr-")
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
	// Registered first, so it runs after containerd is stopped: no shim, no tender left.
	t.Cleanup(func() {
		if p := ourProcesses(dir); len(p) > 0 {
			t.Errorf("processes left behind: %v", p)
		}
	})
	removeIfNew(t, "/run/containerd", "/run/containerd/s", "/run/containerd/fifo", "/run/mount")
	c := startContainerd(t, dir)
	tarPath := filepath.Join(dir, "img.tar")
	// Made by `nabla image build` (the command, in-process); the name is completed as Docker does.
	nablaImageBuild(t, "--kernel", image(t, "test_hello.spt"), "-t", "runnc-hello", "-o", tarPath)
	if out, err := c.ctr(t, "image", "import", tarPath); err != nil {
		t.Fatalf("ctr image import: %v\n%s", err, out)
	}
	runcRoot := filepath.Join(dir, "runnc-root")
	run := func(id string, args ...string) (string, error) {
		a := append([]string{"run", "--rm", "--fifo-dir", filepath.Join(dir, "fifo"), "--runc-binary", runncB, "--runc-root", runcRoot, "docker.io/library/runnc-hello:latest", id}, args...)
		return c.ctr(t, a...)
	}
	out, err := run("hello1", "/test_hello.spt", "from", "ctr")
	if err != nil || !strings.Contains(out, "Hello, World") || !strings.Contains(out, `"cmdline":"/test_hello.spt from ctr"`) {
		t.Errorf("ctr run hello: %v\n%s", err, out)
	}
	// The exit status propagates (solo5_abort is 255).
	abortTar := filepath.Join(dir, "abort.tar")
	writeImage(t, abortTar, "docker.io/library/runnc-abort:latest", "test_abort.spt", nil, nil, false)
	if out, err := c.ctr(t, "image", "import", abortTar); err != nil {
		t.Fatalf("ctr image import: %v\n%s", err, out)
	}
	out, err = c.ctr(t, "run", "--rm", "--fifo-dir", filepath.Join(dir, "fifo"), "--runc-binary", runncB, "--runc-root", runcRoot, "docker.io/library/runnc-abort:latest", "abort1")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 255 {
		t.Errorf("ctr run abort: %v (want exit 255)\n%s", err, out)
	}
	// A long-running guest (test_net in a fresh namespace, NIC without link): kill and
	// delete through ctr.
	netTar := filepath.Join(dir, "net.tar")
	writeImage(t, netTar, "docker.io/library/runnc-net:latest", "test_net.spt", []string{"10.0.0.2"}, nil, false)
	if out, err := c.ctr(t, "image", "import", netTar); err != nil {
		t.Fatalf("ctr image import: %v\n%s", err, out)
	}
	if out, err := c.ctr(t, "run", "-d", "--fifo-dir", filepath.Join(dir, "fifo"), "--runc-binary", runncB, "--runc-root", runcRoot,
		"--annotation", "org.nabla-containers.runnc.cmdline=plain", "docker.io/library/runnc-net:latest", "net1"); err != nil {
		t.Fatalf("ctr run -d: %v\n%s", err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _ := c.ctr(t, "task", "ls")
		if strings.Contains(out, "net1") && strings.Contains(out, "RUNNING") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task net1 not running:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if out, err := c.ctr(t, "task", "kill", "-s", "SIGKILL", "net1"); err != nil {
		t.Errorf("ctr task kill: %v\n%s", err, out)
	}
	for {
		out, _ := c.ctr(t, "task", "ls")
		if strings.Contains(out, "STOPPED") || !strings.Contains(out, "net1") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task net1 not stopped after kill:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if out, err := c.ctr(t, "task", "delete", "net1"); err != nil {
		t.Errorf("ctr task delete: %v\n%s", err, out)
	}
	if out, err := c.ctr(t, "container", "delete", "net1"); err != nil {
		t.Errorf("ctr container delete: %v\n%s", err, out)
	}
	if l, _ := c.ctr(t, "containers", "ls", "-q"); strings.TrimSpace(l) != "" {
		t.Errorf("containers left: %q", l)
	}
	// The shim passes --root <runc-root>/<namespace>; only the image cache may stay.
	filepath.Walk(runcRoot, func(p string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(runcRoot, p)
		if err == nil && rel != "." && rel != "runnctest" && !strings.HasPrefix(rel, "runnctest/.cache") {
			t.Errorf("runnc state left: %s", rel)
		}
		return nil
	})
}

// removeIfNew removes, when the test ends, those of dirs that do not exist now and are
// empty then: the daemons make some fixed directories (the shim's socket directory
// /run/containerd/s, dockerd's /run/docker/plugins) whatever their configuration says.
// Register it first so it runs after the daemons are stopped.
func removeIfNew(t *testing.T, dirs ...string) {
	var made []string
	for _, d := range dirs {
		if _, err := os.Stat(d); err != nil {
			made = append([]string{d}, made...) // children before parents
		}
	}
	t.Cleanup(func() {
		for _, d := range made {
			os.Remove(d)
		}
	})
}
