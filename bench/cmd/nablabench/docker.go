// Docker: `docker run --rm` of an ordinary static Go hello image under runc and runnc,
// through a private dockerd (own containerd, peer network namespace, no bridge).
package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nabla-containers/nabla/internal/containerdtest"
)

// peerNS is a network namespace held by a sleeping process, for daemons that would
// otherwise change the host's network.
type peerNS struct {
	cmd  *exec.Cmd
	path string
}

func newPeerNS() (*peerNS, error) {
	cmd := exec.Command("unshare", "--net", "sleep", "3600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("unshare --net: %v", err)
	}
	p := &peerNS{cmd: cmd, path: "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/ns/net"}
	self, _ := os.Readlink("/proc/self/ns/net")
	for i := 0; i < 1000; i++ {
		if l, err := os.Readlink(p.path); err == nil && l != self {
			return p, nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.close()
	return nil, fmt.Errorf("unshare --net: no namespace after 2 s")
}

func (p *peerNS) close() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	p.cmd.Wait()
}

// dockerd is the bench's private Docker daemon.
type dockerd struct {
	dir, host string
	cmd       *exec.Cmd
	ctrd      *containerdtest.Daemon
	peer      *peerNS
}

func (e *env) startDockerd() (*dockerd, error) {
	for _, t := range []string{"dockerd", "docker"} {
		if _, err := exec.LookPath(t); err != nil {
			return nil, fmt.Errorf("%s not installed (apt-get install docker.io)", t)
		}
	}
	dir := e.path("docker")
	c, err := containerdtest.Start(filepath.Join(dir, "containerd"))
	if err != nil {
		return nil, fmt.Errorf("%s", oneLine(err.Error()))
	}
	peer, err := newPeerNS()
	if err != nil {
		c.Stop()
		return nil, err
	}
	sock := filepath.Join(dir, "docker.sock")
	cfg := filepath.Join(dir, "daemon.json")
	os.WriteFile(cfg, []byte(`{"deprecated-key-path": "`+filepath.Join(dir, "key.json")+`"}`), 0o644)
	logf, _ := os.Create(filepath.Join(dir, "dockerd.log"))
	cmd := exec.Command("nsenter", "--net="+peer.path, "dockerd",
		"--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"), "-H", "unix://"+sock, "--containerd", c.Sock,
		"--add-runtime", "runnc="+filepath.Join(e.bin, "runnc"), "--bridge=none", "--iptables=false",
		"--config-file", cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		peer.close()
		c.Stop()
		return nil, err
	}
	logf.Close()
	d := &dockerd{dir: dir, host: "unix://" + sock, cmd: cmd, ctrd: c, peer: peer}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if o, err := e.run(d.argv("version", "--format", "{{.Server.Version}}")...); err == nil && strings.TrimSpace(o.stdout) != "" {
			return d, nil
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "dockerd.log"))
			d.stop()
			return nil, fmt.Errorf("dockerd did not come up: %s", oneLine(lastBytes(string(b), 600)))
		}
	}
}

func lastBytes(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// argv is a docker command against this daemon.
func (d *dockerd) argv(args ...string) []string {
	return append([]string{"docker", "-H", d.host}, args...)
}

func (d *dockerd) stop() {
	containerdtest.StopGroup(d.cmd, filepath.Join(d.dir, "data"), filepath.Join(d.dir, "exec"))
	d.peer.close()
	d.ctrd.Stop()
}

// runncCaches are the image caches of runnc's state roots under dockerd (Docker picks
// the root, under its exec root).
func (d *dockerd) runncCaches() []string {
	var m []string
	filepath.WalkDir(d.dir, func(p string, de fs.DirEntry, err error) error {
		if err == nil && de.IsDir() && de.Name() == ".cache" {
			m = append(m, p)
			return filepath.SkipDir
		}
		return nil
	})
	return m
}

// clearRunncCache removes what runnc under dockerd cached (baked programs, rootfs disks),
// so the next start is a first start.
func (d *dockerd) clearRunncCache() error {
	for _, c := range d.runncCaches() {
		if err := os.RemoveAll(c); err != nil {
			return err
		}
	}
	return nil
}

// dockerRuns measures `docker run --rm --network=none` of the hello-go image: runc, runnc
// with runnc's cache cleared before each run (the first start bakes the program and
// builds the rootfs disk), and runnc hitting the cache.
func (e *env) dockerRuns(warm, n int) []*Result {
	const measure = "docker run --rm (static Go hello image): client to exit"
	d, err := e.startDockerd()
	if err != nil {
		return []*Result{{Section: "lifecycle", Measure: measure, Contender: "dockerd", Unit: "ms", Error: err.Error()}}
	}
	defer d.stop()
	img := e.path("hello-go-image.tar")
	b, err := os.ReadFile(e.goHello)
	if err == nil {
		err = containerdtest.PlainImage(img, "nablabench/hello-go:1", goarchOf(e.arch), []containerdtest.File{{Name: "hello", Data: b, Mode: 0o755}}, []string{"/hello"}, nil)
	}
	if err == nil {
		_, err = e.run(d.argv("load", "-i", img)...)
	}
	if err != nil {
		return []*Result{{Section: "lifecycle", Measure: measure, Contender: "docker load", Unit: "ms", Error: oneLine(err.Error())}}
	}
	run := func(rt string, cold bool) func() (float64, error) {
		return func() (float64, error) {
			if cold {
				if err := d.clearRunncCache(); err != nil {
					return 0, err
				}
			}
			o, err := e.run(d.argv("run", "--rm", "--network=none", "--runtime="+rt, "nablabench/hello-go:1")...)
			if err == nil && !strings.Contains(o.stdout, goHelloLine) {
				err = fmt.Errorf("docker run --runtime=%s printed %q, want %q", rt, o.stdout, goHelloLine)
			}
			if err == nil && cold && len(d.runncCaches()) == 0 {
				err = fmt.Errorf("runnc's image cache not found under %s: the first-start figure would not be one", d.dir)
			}
			return o.ms, err
		}
	}
	cs := []contender{
		{name: "docker run, runc", ref: true, run: run("runc", false)},
		{name: "docker run, runnc, first start (bakes)", note: "runnc's cache cleared before each run", run: run("runnc", true)},
		{name: "docker run, runnc, later start (cached)", run: run("runnc", false)},
	}
	return alternate("lifecycle", measure, "ms", warm, n, cs)
}

// goarchOf is the Go name of the libOS's architecture name.
func goarchOf(arch string) string {
	for g, a := range archNames {
		if a == arch {
			return g
		}
	}
	return arch
}
