// Kubernetes through containerd's CRI: crictl runs the same pod (a plain static Go HTTP
// server image) under the default runtime (runc) and the runtime handler nabla (runnc),
// reaches it at its pod IP on a CNI bridge, and compares logs, stop and exit status.
package runnc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// podRun is what one handler's pod did, compared between runc and nabla.
type podRun struct {
	body, stdout, stderr string // curl's answer; crictl logs per stream while serving
	stopOut, stopErr     string // crictl logs after crictl stop
	exit                 float64
}

func TestCRIPod(t *testing.T) {
	hostOnly(t, "containerd's CRI")
	requireRoot(t)
	dir, err := os.MkdirTemp("", "runnc-cri-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if m, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(m), dir) {
			t.Errorf("mounts left under %s", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("remove %s: %v", dir, err)
		}
	})
	removeIfNew(t, "/run/containerd", "/run/containerd/s", "/run/containerd/fifo", "/run/mount", "/var/run/netns")
	t.Cleanup(func() {
		if p := ourProcesses(dir); len(p) > 0 {
			t.Errorf("processes left behind: %v", p)
		}
	})
	hostBefore := criLinks(t)
	peer := newPeerNS(t, dir)
	// crictl exec streams through the CRI's stream server on the peer's loopback.
	if out, err := peer.in("ip", "link", "set", "lo", "up"); err != nil {
		t.Fatalf("lo up in the peer namespace: %v\n%s", err, out)
	}

	pauseTar, serverTar := filepath.Join(dir, "pause.tar"), filepath.Join(dir, "server.tar")
	plainImage(t, pauseTar, "nabla-test/pause:1", []imageFile{programFile(t, "pause", "go-pause")}, []string{"/pause"}, nil)
	plainImage(t, serverTar, "nabla-test/server:1", []imageFile{programFile(t, "bin/server", "go-pod-server")},
		[]string{"server"}, []string{"PATH=/bin"})
	d := startCRI(t, dir, peer, "docker.io/nabla-test/pause:1")
	d.importImage(t, pauseTar)
	d.importImage(t, serverTar)
	if out := d.must(t, "images", "-q"); strings.Count(out, "sha256:") != 2 {
		t.Fatalf("crictl images: want the two imported images:\n%s", out)
	}
	netnsBefore := netnsNames()
	mountsBefore := criMounts(t, dir)

	runs := map[string]podRun{}
	ready := map[string][]time.Duration{}
	// Twice each: nabla's first pod bakes the server, the second finds it cached.
	for _, handler := range []string{"runc", "nabla", "runc", "nabla"} {
		var took time.Duration
		runs[handler], took = criPodRun(t, d, handler, len(ready[handler]))
		ready[handler] = append(ready[handler], took)
		if t.Failed() {
			return
		}
		// Nothing of the pod is left: containers, sandboxes, shims, tenders, veths,
		// network namespaces, mounts, runnc state.
		if out := d.must(t, "pods", "-q"); out != "" {
			t.Errorf("%s: pods left: %q", handler, out)
		}
		if out := d.must(t, "ps", "-aq"); out != "" {
			t.Errorf("%s: containers left: %q", handler, out)
		}
		if p := podProcesses(dir); len(p) > 0 {
			t.Errorf("%s: processes left: %v", handler, p)
		}
		if out, _ := peer.in("ip", "-o", "link", "show", "type", "veth"); strings.TrimSpace(out) != "" {
			t.Errorf("%s: veths left in the CNI namespace:\n%s", handler, out)
		}
		if after := netnsNames(); !slices.Equal(after, netnsBefore) {
			t.Errorf("%s: CRI network namespaces in /var/run/netns: %v -> %v", handler, netnsBefore, after)
		}
		if after := criMounts(t, dir); !slices.Equal(after, mountsBefore) {
			t.Errorf("%s: mounts changed:\n%s", handler, diffLines(mountsBefore, after))
		}
	}
	// A figure, not a check: runp to the first answer, nabla against runc.
	for i, what := range []string{"first (bakes)", "second (cached)"} {
		t.Logf("pod start to first HTTP answer, %s: runc %v, nabla %v (ratio %.2f)", what,
			ready["runc"][i].Round(time.Millisecond), ready["nabla"][i].Round(time.Millisecond),
			float64(ready["nabla"][i])/float64(ready["runc"][i]))
	}
	runnc := runs["nabla"]
	if runc := runs["runc"]; runc != runnc {
		t.Errorf("the pod under nabla differs from runc:\nrunc:  %+v\nnabla: %+v", runc, runnc)
	}
	// runnc keeps only its image cache.
	rr := filepath.Join(dir, "runnc-root")
	filepath.Walk(rr, func(p string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(rr, p)
		if err == nil && rel != "." && rel != "k8s.io" && !strings.HasPrefix(rel, "k8s.io/.cache") {
			t.Errorf("runnc state left: %s", rel)
		}
		return nil
	})
	if after := criLinks(t); after != hostBefore {
		t.Errorf("host links changed: %q -> %q", hostBefore, after)
	}
}

// criPodRun runs one pod with the server under handler and takes it down again; it
// also returns the time from runp to the server's first answer.
func criPodRun(t *testing.T, d *criDaemon, handler string, round int) (podRun, time.Duration) {
	t.Helper()
	var r podRun
	var took time.Duration
	podCfg := filepath.Join(d.dir, "pod-"+handler+".json")
	ctrCfg := filepath.Join(d.dir, "ctr-"+handler+".json")
	writeJSON(t, podCfg, map[string]any{
		"metadata":      map[string]any{"name": "web", "namespace": "default", "uid": "uid-" + handler, "attempt": 0},
		"hostname":      "web",
		"log_directory": filepath.Join(d.dir, "logs", handler+strconv.Itoa(round)),
		"linux":         map[string]any{},
	})
	// The kubelet gives every container a writable /dev/termination-log.
	termLog := filepath.Join(d.dir, "termination-log-"+handler)
	if err := os.WriteFile(termLog, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	writeJSON(t, ctrCfg, map[string]any{
		"metadata": map[string]any{"name": "server"},
		"mounts":   []map[string]any{{"container_path": "/dev/termination-log", "host_path": termLog}},
		"image":    map[string]any{"image": "docker.io/nabla-test/server:1"},
		"log_path": "server.log",
		"linux":    map[string]any{},
	})
	start := time.Now()
	pod := d.must(t, "runp", "--runtime", handler, podCfg)
	var insp struct {
		Status struct {
			Network struct{ IP string }
			State   string
		}
	}
	if err := json.Unmarshal([]byte(d.must(t, "inspectp", "-o", "json", pod)), &insp); err != nil || insp.Status.Network.IP == "" {
		t.Fatalf("%s: crictl inspectp: no pod IP (%v)", handler, err)
	}
	ip := insp.Status.Network.IP
	// The guide's way to get it.
	if tip := d.must(t, "inspectp", "-o", "go-template", "--template", "{{.status.network.ip}}", pod); tip != ip {
		t.Errorf("%s: crictl inspectp go-template: %q, JSON: %q", handler, tip, ip)
	}
	ctr := d.must(t, "create", pod, ctrCfg, podCfg)
	d.must(t, "start", ctr)

	// The server answers at the pod IP on the bridge, from the CNI namespace.
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := d.peer.in("curl", "-sS", "--max-time", "5", "http://"+ip+":8080/")
		if err == nil {
			took = time.Since(start)
			r.body = out
			break
		}
		if time.Now().After(deadline) {
			o, _ := d.crictl(t, "logs", ctr)
			t.Fatalf("%s: curl http://%s:8080/: %v\n%s\nlogs:\n%s", handler, ip, err, out, o)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The pod's container is a unikernel under nabla, a process under runc.
	tenders := 0
	for _, p := range podProcesses(d.dir) {
		if strings.Contains(p, ":nabla-spt ") {
			tenders++
		}
	}
	if want := map[string]int{"runc": 0, "nabla": 1}[handler]; tenders != want {
		t.Errorf("%s: %d nabla-spt tenders running, want %d: %v", handler, tenders, want, podProcesses(d.dir))
	}
	if r.body != "hello from web\n" {
		t.Errorf("%s: curl: %q, want %q", handler, r.body, "hello from web\n")
	}
	// crictl logs keeps stdout and stderr apart (the kubelet's log format tags each line).
	waitLogs := func(want string) (string, string) {
		deadline := time.Now().Add(20 * time.Second)
		for {
			o, e, err := d.crictlSplit(t, "logs", ctr)
			if err == nil && strings.Contains(o+e, want) {
				return o, e
			}
			if time.Now().After(deadline) {
				t.Errorf("%s: crictl logs: %v, no %q in\nstdout %q\nstderr %q", handler, err, want, o, e)
				return o, e
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	r.stdout, r.stderr = waitLogs("request GET /")
	if r.stdout != "listening on :8080\n" || r.stderr != "stderr is separate\nrequest GET /\n" {
		t.Errorf("%s: crictl logs: stdout %q, stderr %q", handler, r.stdout, r.stderr)
	}
	if handler == "nabla" {
		// A unikernel has no second process to exec: refused, with runnc's reason.
		for _, args := range [][]string{{"exec", "-s", ctr, "/bin/server"}, {"exec", ctr, "/bin/server"}} {
			out, err := d.crictl(t, args...)
			if err == nil || !strings.Contains(out, "exec is not supported: a unikernel container runs a single process") {
				t.Errorf("%s: crictl %v: %v, want a clear refusal (not supported):\n%s", handler, args, err, out)
			}
			t.Logf("crictl %s: %s", strings.Join(args[:len(args)-2], " "), strings.TrimSpace(out))
		}
	}
	// crictl stop: SIGTERM reaches the program, which shuts down and says bye.
	d.must(t, "stop", "--timeout", "20", ctr)
	r.stopOut, r.stopErr = waitLogs("bye")
	if r.stopOut != "listening on :8080\ngot terminated\nbye\n" {
		t.Errorf("%s: after crictl stop: stdout %q", handler, r.stopOut)
	}
	var ci struct {
		Status struct {
			State    string
			ExitCode float64
		}
	}
	if err := json.Unmarshal([]byte(d.must(t, "inspect", "-o", "json", ctr)), &ci); err != nil || ci.Status.State != "CONTAINER_EXITED" {
		t.Errorf("%s: crictl inspect after stop: %v %+v", handler, err, ci)
	}
	r.exit = ci.Status.ExitCode
	if r.exit != 0 {
		t.Errorf("%s: exit code %v after a clean shutdown", handler, r.exit)
	}
	d.must(t, "rm", ctr)
	d.must(t, "stopp", pod)
	d.must(t, "rmp", pod)
	return r, took
}

func writeJSON(t *testing.T, path string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// netnsNames lists the CRI's pod network namespaces in /var/run/netns (cni-<uuid>; other
// tests and benchmarks on this machine pin their own there).
func netnsNames() []string {
	ents, _ := os.ReadDir("/var/run/netns")
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "cni-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// criMounts are the host's mounts that can be the test's: under dir or a pod's netns pin.
func criMounts(t *testing.T, dir string) []string {
	var out []string
	for _, l := range mountLines(t) {
		if strings.Contains(l, dir) || strings.Contains(l, "/netns/cni-") {
			out = append(out, l)
		}
	}
	return out
}

// criLinks are the host's links a CNI plugin or runnc could have left there (bridges,
// veths, taps); links other tests on this machine make come and go.
func criLinks(t *testing.T) string {
	var out []string
	for _, l := range strings.Fields(hostLinks(t)) {
		if strings.HasPrefix(l, "cni") || strings.HasPrefix(l, "veth") || strings.HasPrefix(l, "tap") {
			out = append(out, l)
		}
	}
	return strings.Join(out, " ")
}

// podProcesses are our processes other than containerd and the peer namespace's holder:
// shims, inits, tenders and pause processes of pods.
func podProcesses(dir string) []string {
	var out []string
	for _, p := range ourProcesses(dir) {
		cmd := p[strings.IndexByte(p, ':')+1:]
		if strings.HasPrefix(cmd, "containerd --config") || strings.HasPrefix(cmd, "sh -c sleep 600") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// diffLines shows the lines only in a ("-") or only in b ("+").
func diffLines(a, b []string) string {
	var s strings.Builder
	for _, l := range a {
		if !slices.Contains(b, l) {
			s.WriteString("- " + l + "\n")
		}
	}
	for _, l := range b {
		if !slices.Contains(a, l) {
			s.WriteString("+ " + l + "\n")
		}
	}
	return s.String()
}
