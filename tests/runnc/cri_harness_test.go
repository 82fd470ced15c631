// CRI test harness: crictl built from its Go module, a private containerd with the CRI
// plugin (runtime handler nabla = runnc) in a peer network namespace, CNI bridge config,
// and image archives of a plain rootfs for `ctr images import` and `podman load`.
package runnc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/containerdtest"
)

// crictlBinary builds crictl into /var/cache/nabla (once per version) and returns its path.
func crictlBinary(t *testing.T) string {
	t.Helper()
	v, bin := containerdtest.CRIToolsVersion, containerdtest.CrictlPath
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	cmd := exec.Command("go", "install", "sigs.k8s.io/cri-tools/cmd/crictl@"+v)
	cmd.Env = append(os.Environ(), "GOBIN="+filepath.Dir(bin), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
	cmd.Dir = os.TempDir() // outside our module: go install name@version
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building crictl %s (go install sigs.k8s.io/cri-tools/cmd/crictl@%s): %v\n%s", v, v, err, out)
	}
	return bin
}

// runtimeSnippet is the containerd configuration docs/kubernetes.md gives users (the
// fenced toml block after the marker), with BinaryName pointed at runnc under test and
// runnc's state root kept under the test's directory.
func runtimeSnippet(t *testing.T, runncRoot string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "docs", "kubernetes.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- containerd-runtime -->\\s*```toml\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("docs/kubernetes.md: no ```toml block after <!-- containerd-runtime -->")
	}
	s := string(m[1])
	const doc = `BinaryName = "/usr/local/bin/runnc"`
	if !strings.Contains(s, doc) {
		t.Fatalf("docs/kubernetes.md: the runtime snippet lost %s:\n%s", doc, s)
	}
	return strings.Replace(s, doc, fmt.Sprintf("BinaryName = %q\n    Root = %q", runncB, runncRoot), 1)
}

// criDaemon is a private containerd with CRI, run in a peer network namespace (the CNI
// bridge and the pods' veths live there, not on the host).
type criDaemon struct {
	dir, sock string
	peer      *peerNS
	crictlB   string
	crictlCfg string
	ctrd      *containerdtest.Daemon // for its Ctr helper (no process of its own)
}

func startCRI(t *testing.T, dir string, peer *peerNS, sandboxImage string) *criDaemon {
	t.Helper()
	for _, tool := range []string{"containerd", "ctr", "containerd-shim-runc-v2", "runc", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("CRI tests need %s (make setup installs it): %v", tool, err)
		}
	}
	for _, p := range []string{"bridge", "host-local", "loopback"} {
		if _, err := os.Stat(filepath.Join(containerdtest.CNIBinDir, p)); err != nil {
			t.Fatalf("CRI tests need the CNI plugin %s (apt-get install containernetworking-plugins): %v", p, err)
		}
	}
	crictl := crictlBinary(t)
	confDir := filepath.Join(dir, "cni-conf")
	os.MkdirAll(confDir, 0o755)
	if err := os.WriteFile(filepath.Join(confDir, "10-nabla-test.conflist"), []byte(containerdtest.CNIBridgeConflist(dir, "nabla-test", "cni-nabla0", "10.88.7.0/24")), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "c.sock")
	cfg := containerdtest.CRIConfig(dir, sock, sandboxImage, confDir, runtimeSnippet(t, filepath.Join(dir, "runnc-root")))
	cfgPath := filepath.Join(dir, "config.toml")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)
	crictlCfg := filepath.Join(dir, "crictl.yaml")
	os.WriteFile(crictlCfg, []byte("runtime-endpoint: unix://"+sock+"\nimage-endpoint: unix://"+sock+"\ntimeout: 60\n"), 0o644)
	logf, err := os.Create(filepath.Join(dir, "containerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("nsenter", "--net="+peer.path, "containerd", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &criDaemon{dir: dir, sock: sock, peer: peer, crictlB: crictl, crictlCfg: crictlCfg, ctrd: &containerdtest.Daemon{Dir: dir, Sock: sock}}
	t.Cleanup(func() {
		// A failed test may leave pods: removed through the CRI, so their shims and
		// tenders end and their mounts go before containerd does.
		if out, _ := d.crictl(t, "pods", "-q"); strings.TrimSpace(out) != "" {
			d.crictl(t, "rmp", "--all", "--force")
		}
		containerdtest.StopGroup(cmd, filepath.Join(dir, "root"), filepath.Join(dir, "state"))
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			if len(b) > 8000 {
				b = b[len(b)-8000:]
			}
			t.Logf("containerd log (end):\n%s", b)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if out, err := d.crictl(t, "info"); err == nil && strings.Contains(out, `"RuntimeReady"`) {
			return d
		} else if time.Now().After(deadline) {
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("containerd's CRI did not come up: %v\n%s\nlog:\n%s", err, out, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// crictl runs crictl in the peer namespace (exec streams go to the stream server on the
// peer's loopback) and returns stdout and stderr apart.
func (d *criDaemon) crictlSplit(t *testing.T, args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nsenter", append([]string{"--net=" + d.peer.path, d.crictlB, "--config", d.crictlCfg}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	return o.String(), e.String(), err
}

func (d *criDaemon) crictl(t *testing.T, args ...string) (string, error) {
	o, e, err := d.crictlSplit(t, args...)
	return o + e, err
}

// must runs crictl and fails the test on an error; it returns stdout, trimmed.
func (d *criDaemon) must(t *testing.T, args ...string) string {
	t.Helper()
	o, e, err := d.crictlSplit(t, args...)
	if err != nil {
		t.Fatalf("crictl %v: %v\n%s%s", args, err, o, e)
	}
	return strings.TrimSpace(o)
}

// importImage loads an image archive into the k8s.io namespace, where the CRI finds it.
func (d *criDaemon) importImage(t *testing.T, archive string) {
	t.Helper()
	if out, err := d.ctrd.Ctr("k8s.io", "images", "import", archive); err != nil {
		t.Fatalf("ctr -n k8s.io images import: %v\n%s", err, out)
	}
}

// imageFile is one file of a plain image's single layer.
type imageFile struct {
	name string
	data []byte
	mode int64
}

// plainImage writes a docker-archive (`docker save` layout, which `ctr images import` and
// `podman load` both read) of one layer holding files, with the entrypoint and env given:
// an ordinary FROM-scratch image, no nabla in it.
func plainImage(t *testing.T, path, ref string, files []imageFile, entrypoint, env []string) {
	t.Helper()
	fs := make([]containerdtest.File, len(files))
	for i, f := range files {
		fs[i] = containerdtest.File{Name: f.name, Data: f.data, Mode: f.mode}
	}
	goarch := map[string]string{"x86_64": "amd64", "aarch64": "arm64"}[arch]
	if err := containerdtest.PlainImage(path, ref, goarch, fs, entrypoint, env); err != nil {
		t.Fatal(err)
	}
}

// programFile is a static Go test program from tests/libos/apps as an image file.
func programFile(t *testing.T, name, app string) imageFile {
	b, err := os.ReadFile(goProgram(t, app))
	if err != nil {
		t.Fatal(err)
	}
	return imageFile{name: name, data: b, mode: 0o755}
}
