// Kubernetes through containerd's CRI: crictl pod + container start to the first HTTP
// answer, and the pod's memory (PSS) once idle, runc against the runtime handler nabla
// (runnc), with a private containerd in a peer network namespace on a CNI bridge.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nabla-containers/nabla/internal/containerdtest"
)

// benchRuntimes is docs/kubernetes.md's runtime handler nabla (runc's shim with BinaryName
// = runnc) beside the default runc, runnc's state under the bench's directory.
const benchRuntimes = `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nabla]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nabla.options]
  BinaryName = %q
  Root = %q`

// cri is the bench's containerd with the CRI plugin.
type cri struct {
	dir, sock, cfg string
	cmd            *exec.Cmd
	peer           *peerNS
	ctrd           *containerdtest.Daemon // for Ctr (no process of its own)
	seq            int
}

func (e *env) startCRI() (*cri, error) {
	if _, err := os.Stat(containerdtest.CrictlPath); err != nil {
		return nil, fmt.Errorf("%s missing (make setup builds it)", containerdtest.CrictlPath)
	}
	for _, p := range []string{"bridge", "host-local", "loopback"} {
		if _, err := os.Stat(filepath.Join(containerdtest.CNIBinDir, p)); err != nil {
			return nil, fmt.Errorf("CNI plugin %s missing (apt-get install containernetworking-plugins)", p)
		}
	}
	dir := e.path("cri")
	conf := filepath.Join(dir, "cni-conf")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		return nil, err
	}
	conflist := containerdtest.CNIBridgeConflist(dir, "nablabench", "cni-bench0", "10.88.9.0/24")
	if err := os.WriteFile(filepath.Join(conf, "10-nablabench.conflist"), []byte(conflist), 0o644); err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "c.sock")
	cfg := containerdtest.CRIConfig(dir, sock, "docker.io/nablabench/pause:1", conf,
		fmt.Sprintf(benchRuntimes, filepath.Join(e.bin, "runnc"), filepath.Join(dir, "runnc-root")))
	cfgPath := filepath.Join(dir, "config.toml")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)
	crictlCfg := filepath.Join(dir, "crictl.yaml")
	os.WriteFile(crictlCfg, []byte("runtime-endpoint: unix://"+sock+"\nimage-endpoint: unix://"+sock+"\ntimeout: 60\n"), 0o644)
	peer, err := newPeerNS()
	if err != nil {
		return nil, err
	}
	logf, _ := os.Create(filepath.Join(dir, "containerd.log"))
	cmd := exec.Command("nsenter", "--net="+peer.path, "containerd", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		peer.close()
		return nil, err
	}
	logf.Close()
	c := &cri{dir: dir, sock: sock, cfg: crictlCfg, cmd: cmd, peer: peer, ctrd: &containerdtest.Daemon{Dir: dir, Sock: sock}}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if o, err := e.run(c.crictl("info")...); err == nil && strings.Contains(o.stdout, `"RuntimeReady"`) {
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "containerd.log"))
			c.stop(e)
			return nil, fmt.Errorf("containerd's CRI did not come up: %s", oneLine(lastBytes(string(b), 600)))
		}
	}
	// The pause and server images: plain static Go programs from tests/libos/apps.
	for _, im := range []struct{ app, ref, name string }{
		{"go-pause", "nablabench/pause:1", "pause"}, {"go-pod-server", "nablabench/server:1", "server"},
	} {
		bin, err := buildGoApp(e.repo, e.tmp, im.app)
		if err != nil {
			c.stop(e)
			return nil, err
		}
		b, _ := os.ReadFile(bin)
		tar := filepath.Join(dir, im.name+".tar")
		if err := containerdtest.PlainImage(tar, im.ref, goarchOf(e.arch), []containerdtest.File{{Name: im.name, Data: b, Mode: 0o755}}, []string{"/" + im.name}, nil); err != nil {
			c.stop(e)
			return nil, err
		}
		if out, err := c.ctrd.Ctr("k8s.io", "images", "import", tar); err != nil {
			c.stop(e)
			return nil, fmt.Errorf("ctr images import %s: %v: %s", im.ref, err, oneLine(out))
		}
	}
	return c, nil
}

// crictl is the argv of crictl in the peer namespace.
func (c *cri) crictl(args ...string) []string {
	return append([]string{"nsenter", "--net=" + c.peer.path, containerdtest.CrictlPath, "--config", c.cfg}, args...)
}

func (c *cri) stop(e *env) {
	if o, _ := e.run(c.crictl("pods", "-q")...); strings.TrimSpace(o.stdout) != "" {
		e.run(c.crictl("rmp", "--all", "--force")...)
	}
	containerdtest.StopGroup(c.cmd, filepath.Join(c.dir, "root"), filepath.Join(c.dir, "state"))
	c.peer.close()
}

// pod is one running pod of the server.
type pod struct{ id, ip string }

// startPod runs the server pod under handler: runp, create, start, then waits for the
// first HTTP answer at the pod IP; it returns the pod and the time that took.
func (c *cri) startPod(e *env, handler string) (*pod, float64, error) {
	c.seq++
	name := fmt.Sprintf("web-%s-%d", handler, c.seq)
	podCfg, ctrCfg := filepath.Join(c.dir, name+"-pod.json"), filepath.Join(c.dir, name+"-ctr.json")
	wj := func(p string, v any) {
		b, _ := json.Marshal(v)
		os.WriteFile(p, b, 0o644)
	}
	wj(podCfg, map[string]any{
		"metadata":      map[string]any{"name": name, "namespace": "default", "uid": "uid-" + name, "attempt": 0},
		"hostname":      "web",
		"log_directory": filepath.Join(c.dir, "logs", name),
		"linux":         map[string]any{},
	})
	wj(ctrCfg, map[string]any{
		"metadata": map[string]any{"name": "server"},
		"image":    map[string]any{"image": "docker.io/nablabench/server:1"},
		"log_path": "server.log",
		"linux":    map[string]any{},
	})
	t0 := time.Now()
	o, err := e.run(c.crictl("runp", "--runtime", handler, podCfg)...)
	if err != nil {
		return nil, 0, err
	}
	p := &pod{id: strings.TrimSpace(o.stdout)}
	fail := func(err error) (*pod, float64, error) {
		c.removePod(e, p)
		return nil, 0, err
	}
	if o, err = e.run(c.crictl("inspectp", "-o", "go-template", "--template", "{{.status.network.ip}}", p.id)...); err != nil {
		return fail(err)
	}
	p.ip = strings.TrimSpace(o.stdout)
	if o, err = e.run(c.crictl("create", p.id, ctrCfg, podCfg)...); err != nil {
		return fail(err)
	}
	ctr := strings.TrimSpace(o.stdout)
	if _, err = e.run(c.crictl("start", ctr)...); err != nil {
		return fail(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		o, err := e.run("nsenter", "--net="+c.peer.path, "curl", "-sS", "--max-time", "5", "http://"+p.ip+":8080/")
		if err == nil {
			if o.stdout != "hello from web\n" {
				return fail(fmt.Errorf("%s pod answered %q", handler, o.stdout))
			}
			break
		}
		if time.Now().After(deadline) {
			// What the container said and where it is, for the error row.
			logs, _ := exec.Command(c.crictl("logs", ctr)[0], c.crictl("logs", ctr)[1:]...).CombinedOutput()
			st, _ := e.run(c.crictl("inspect", "-o", "go-template", "--template", "{{.status.state}} {{.status.exitCode}}", ctr)...)
			return fail(fmt.Errorf("%s pod: no HTTP answer at %s:8080 in 30 s (container %s, logs %q): %v", handler, p.ip, strings.TrimSpace(st.stdout), logs, err))
		}
	}
	return p, float64(time.Since(t0).Nanoseconds()) / 1e6, nil
}

func (c *cri) removePod(e *env, p *pod) error {
	if _, err := e.run(c.crictl("stopp", p.id)...); err != nil {
		return err
	}
	_, err := e.run(c.crictl("rmp", p.id)...)
	return err
}

// podPSS is the PSS (KiB) of the pod's shim and everything under it: the sandbox's
// process (pause, or runnc's init holding the namespaces) and the server (the Go process,
// or the tender running it as a unikernel).
func (c *cri) podPSS(e *env, p *pod) (float64, error) {
	o, err := e.run(c.crictl("inspectp", "-o", "go-template", "--template", "{{.info.pid}}", p.id)...)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(o.stdout))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("crictl inspectp: sandbox pid %q", strings.TrimSpace(o.stdout))
	}
	shim, err := procField(fmt.Sprintf("/proc/%d/status", pid), "PPid")
	if err != nil {
		return 0, err
	}
	if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", int(shim))); !strings.HasPrefix(string(comm), "containerd-shim") {
		return 0, fmt.Errorf("the sandbox's parent %d is %q, not the shim", int(shim), strings.TrimSpace(string(comm)))
	}
	return treeSum(int(shim), "smaps_rollup", "Pss")
}

// criRuns measures pod + container start to the first HTTP answer (runc; nabla with
// runnc's cache cleared, so it bakes; nabla cached) and the idle pod's PSS.
func (e *env) criRuns(warm, n int, settle time.Duration) []*Result {
	const measure = "crictl runp + create + start of a Go HTTP server pod, to its first answer at the pod IP"
	c, err := e.startCRI()
	if err != nil {
		return []*Result{{Section: "kubernetes", Measure: measure, Contender: "containerd CRI", Unit: "ms", Error: err.Error()}}
	}
	defer c.stop(e)
	cache := filepath.Join(c.dir, "runnc-root", "k8s.io", ".cache")
	ready := func(handler string, cold bool) func() (float64, error) {
		return func() (float64, error) {
			if cold {
				if err := os.RemoveAll(cache); err != nil {
					return 0, err
				}
			}
			p, ms, err := c.startPod(e, handler)
			if err != nil {
				return 0, err
			}
			if cold {
				if _, err := os.Stat(cache); err != nil {
					err = fmt.Errorf("runnc's image cache not at %s: the first-start figure would not be one", cache)
					c.removePod(e, p)
					return 0, err
				}
			}
			return ms, c.removePod(e, p)
		}
	}
	rs := alternate("kubernetes", measure, "ms", warm, n, []contender{
		{name: "pod, runc", ref: true, run: ready("runc", false)},
		{name: "pod, nabla (runnc), first start (bakes)", note: "runnc's cache cleared before each pod", run: ready("nabla", true)},
		{name: "pod, nabla (runnc), later start (cached)", run: ready("nabla", false)},
	})
	pss := func(handler string) func() (float64, error) {
		return func() (float64, error) {
			p, _, err := c.startPod(e, handler)
			if err != nil {
				return 0, err
			}
			time.Sleep(settle)
			v, err := c.podPSS(e, p)
			if rerr := c.removePod(e, p); err == nil {
				err = rerr
			}
			return v, err
		}
	}
	return append(rs, alternate("kubernetes", "idle Go HTTP server pod: PSS of its shim, sandbox and container", "KiB", min(warm, 1), min(n, 5), []contender{
		{name: "pod, runc", ref: true, run: pss("runc")},
		{name: "pod, nabla (runnc)", run: pss("nabla")},
	})...)
}

// buildGoApp builds tests/libos/apps/APP as a static program into tmp.
func buildGoApp(repo, tmp, app string) (string, error) {
	out := filepath.Join(tmp, app)
	c := exec.Command(goTool(), "build", "-trimpath", "-o", out, "./tests/libos/apps/"+app)
	c.Dir = repo
	c.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := c.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build tests/libos/apps/%s: %v\n%s", app, err, b)
	}
	return out, nil
}
