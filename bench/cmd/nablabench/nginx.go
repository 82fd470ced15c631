// Debian's nginx serving a static file: natively in a chroot, under runc, and as a unikernel (`nabla run --rootfs --publish`), all on the same tree, driven by wrk from the host's loopback.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/nabla-containers/nabla/internal/fstree"
	"github.com/nabla-containers/nabla/internal/publish"
)

// nginxBenchConf is nginx as containers run it (one process in the foreground: no master,
// which would fork), Debian's sendfile and tcp_nopush, no access log (no disk in the way).
const nginxBenchConf = `master_process off;
daemon off;
worker_processes 1;
pid /tmp/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    sendfile on;
    tcp_nopush on;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    server {
        listen PORT default_server;
        root /srv/www;
    }
}
`

// nginxRoot is tests/libos/fetch-dynroot.sh's tree copied with what nginx reads: the users
// it looks up, Debian's default page as /srv/www/index.html, and one configuration per port.
func (e *env) nginxRoot(ports map[string]int) (root string, page []byte, err error) {
	out, err := exec.Command("bash", filepath.Join(e.repo, "tests/libos/fetch-dynroot.sh"), runtime.GOARCH).Output()
	if err != nil {
		return "", nil, fmt.Errorf("fetch-dynroot.sh: %v", err)
	}
	root = e.path("nginx-root")
	os.RemoveAll(root)
	if err := fstree.Copy(strings.TrimSpace(string(out)), root); err != nil {
		return "", nil, err
	}
	page, err = os.ReadFile(filepath.Join(root, "usr/share/nginx/html/index.html"))
	if err != nil {
		return "", nil, fmt.Errorf("nginx's default page: %v", err)
	}
	files := map[string][]byte{
		"etc/passwd":         []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"),
		"etc/group":          []byte("root:x:0:\nnogroup:x:65534:\n"),
		"srv/www/index.html": page,
	}
	for name, port := range ports {
		files["etc/nginx/bench-"+name+".conf"] = []byte(strings.ReplaceAll(nginxBenchConf, "PORT", fmt.Sprint(port)))
	}
	for p, b := range files {
		f := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return "", nil, err
		}
		if err := os.WriteFile(f, b, 0o644); err != nil {
			return "", nil, err
		}
	}
	return root, page, nil
}

// nginxBundle is an OCI bundle (for runc or runnc) named name on root (written to by
// nginx: its temp directories and pid file) with the configuration conf, in the network
// namespace netns (a path) or, when netns is "", in the host's, as `docker run
// --network=host`.
func (e *env) nginxBundle(name, root, conf, netns string) (string, error) {
	dir := e.path("nginx-bundle-" + name)
	os.MkdirAll(dir, 0o755)
	return dir, runcSpec(dir, func(spec, proc, linux map[string]any) {
		spec["root"] = map[string]any{"path": root, "readonly": false}
		proc["args"] = []string{"/usr/sbin/nginx", "-c", "/etc/nginx/" + conf}
		var ns []any
		for _, n := range linux["namespaces"].([]any) {
			m := n.(map[string]any)
			if m["type"] == "network" {
				if netns == "" {
					continue
				}
				m["path"] = netns
			}
			ns = append(ns, m)
		}
		linux["namespaces"] = ns
	})
}

// startBundle runs nginx's bundle with the OCI runtime bin (runc or runnc) in the
// foreground, until it serves url; it is killed and deleted with the server.
func (e *env) startBundle(bin, root, bundle, url string, page []byte) (*nginxServer, error) {
	id := e.id("nginx")
	s, err := e.startNginx([]string{bin, "--root", root, "run", "-b", bundle, id}, url, page, func(*exec.Cmd) {
		exec.Command(bin, "--root", root, "kill", id, "TERM").Run()
	})
	if err != nil {
		exec.Command(bin, "--root", root, "delete", "-f", id).Run()
		return nil, err
	}
	stop := s.stop
	s.stop = func() {
		stop()
		exec.Command(bin, "--root", root, "delete", "-f", id).Run()
	}
	return s, nil
}

// nginxServer is one contender's running nginx.
type nginxServer struct {
	url  string
	cmd  *exec.Cmd
	stop func()
}

func (e *env) startNginx(argv []string, url string, page []byte, stop func(c *exec.Cmd)) (*nginxServer, error) {
	c := exec.Command(argv[0], argv[1:]...)
	c.Env = e.cmdEnv
	c.Stdin, c.Stdout, c.Stderr = e.devnull, e.devnull, e.devnull
	if err := c.Start(); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	s := &nginxServer{url: url, cmd: c, stop: func() {
		stop(c)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			c.Process.Kill()
			<-done
		}
	}}
	var last string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		select {
		case <-done:
			return nil, fmt.Errorf("%s exited before serving", strings.Join(argv, " "))
		default:
		}
		b, err := exec.Command("curl", "-s", "--max-time", "2", url).Output()
		if err == nil && string(b) == string(page) {
			return s, nil
		}
		last = fmt.Sprintf("%d bytes, %v", len(b), err)
	}
	s.stop()
	return nil, fmt.Errorf("%s: %s did not serve the page in 60 s (%s)", strings.Join(argv, " "), url, last)
}

// nginxNetwork measures static-file requests per second (wrk -t2 -c64 for secs seconds,
// keep-alive, Debian's 615-byte default page), latency and server CPU of each contender:
// native, runc on the host network, the unikernel under `nabla run` (through its proxy and
// on its tap), runc and runnc on one bundle behind a veth each; in alternating rounds.
func (e *env) nginxNetwork(n, secs int) []*Result {
	const section = "network (nginx)"
	measures := []struct{ measure, unit string }{
		{"nginx static-file requests per second (wrk -t2 -c64, keep-alive, Debian's default page)", "req/s"},
		{"nginx latency p50 (same runs)", "ms"},
		{"nginx latency p99 (same runs)", "ms"},
		{"nginx server CPU per request (user+system of the server's process tree, same runs)", "us"},
	}
	names := []string{"native nginx in a chroot (kernel TCP/IP, loopback)", "runc nginx (host network, loopback)",
		"nabla run --rootfs --publish nginx (libOS + lwIP, tap, nabla's port proxy)",
		"the same unikernel, wrk on its tap (inside the private namespace: no proxy)",
		"runc nginx (veth)", "runnc nginx (veth)"}
	notes := []string{"", "", "the port proxy in nabla copies every byte once more (as docker-proxy does)",
		"what the libOS costs without the proxy", "kernel TCP/IP in a pod-style namespace",
		"the same bundle and namespace: libOS + lwIP on a tap joined to eth0"}
	rs := make([][]*Result, len(names))
	for i, nm := range names {
		for _, m := range measures {
			rs[i] = append(rs[i], &Result{Section: section, Measure: m.measure, Contender: nm, Unit: m.unit,
				Reference: i == 0, Note: notes[i], Samples: []float64{}})
		}
	}
	fail := func(i int, err error) {
		for _, r := range rs[i] {
			if r.Error == "" {
				r.Error = err.Error()
			}
		}
	}
	collect := func() []*Result {
		var out []*Result
		for k := range measures {
			for i := range names {
				out = append(out, rs[i][k])
			}
		}
		return out
	}
	for _, tool := range []string{"wrk", "curl", "runc"} {
		if _, err := exec.LookPath(tool); err != nil {
			for i := range names {
				fail(i, fmt.Errorf("%s missing (run with -install)", tool))
			}
			return collect()
		}
	}
	ports := map[string]int{"native": 18181, "runc": 18182, "uk": 8080}
	root, page, err := e.nginxRoot(ports)
	if err != nil {
		for i := range names {
			fail(i, err)
		}
		return collect()
	}
	term := func(c *exec.Cmd) { c.Process.Signal(syscall.SIGTERM) }
	servers := make([]*nginxServer, len(names))
	// The unikernel first: its rootfs disk is made from the tree before the others write
	// their temp directories into it.
	for _, i := range []int{2, 5, 0, 1, 4} {
		var s *nginxServer
		var err error
		switch i {
		case 0:
			s, err = e.startNginx([]string{"chroot", root, "/usr/sbin/nginx", "-c", "/etc/nginx/bench-native.conf"},
				"http://127.0.0.1:18181/index.html", page, term)
		case 1:
			var bundle string
			if bundle, err = e.nginxBundle("runc", root, "bench-runc.conf", ""); err == nil {
				s, err = e.startBundle("runc", e.runcRoot, bundle, "http://127.0.0.1:18182/index.html", page)
			}
		case 4, 5:
			rt, bin, rroot := "runc", "runc", e.runcRoot
			if i == 5 {
				rt, bin, rroot = "runnc", filepath.Join(e.bin, "runnc"), e.runncRoot
			}
			var ns *netSide
			if ns, err = newPodSide("ngx-"+rt, 9+i); err != nil {
				break
			}
			defer ns.teardown()
			var bundle string
			if bundle, err = e.nginxBundle(rt+"-veth", root, "bench-uk.conf", "/var/run/netns/"+ns.ns); err == nil {
				s, err = e.startBundle(bin, rroot, bundle, "http://"+ns.addr+":8080/index.html", page)
			}
		case 2:
			argv := append(e.nablaRootfs(root, "/usr/sbin/nginx", "-c", "/etc/nginx/bench-uk.conf"), "")
			copy(argv[5:], argv[4:])
			argv[4] = "--publish=127.0.0.1:18183:8080"
			s, err = e.startNginx(argv, "http://127.0.0.1:18183/index.html", page, term)
		}
		if err != nil {
			fail(i, err)
			continue
		}
		servers[i] = s
		defer s.stop()
	}
	// The tap contender is the unikernel's server reached from inside its namespace (the
	// tender's), at the guest's own address.
	var prefix [][]string = make([][]string, len(names))
	if uk := servers[2]; uk != nil {
		if kids := tree(uk.cmd.Process.Pid); len(kids) > 1 {
			prefix[3] = []string{"nsenter", "-t", fmt.Sprint(kids[1]), "-n"}
			servers[3] = &nginxServer{url: "http://" + publish.GuestIP.String() + ":8080/index.html", cmd: uk.cmd}
		} else {
			fail(3, fmt.Errorf("nabla run has no tender child"))
		}
	} else {
		fail(3, fmt.Errorf("the unikernel did not start"))
	}
	for round := 0; round < n; round++ {
		for k := range names {
			i := (k + round) % len(names)
			if servers[i] == nil || rs[i][0].Error != "" {
				continue
			}
			pid := servers[i].cmd.Process.Pid
			before, err := cpuTicks(pid)
			if err != nil {
				fail(i, err)
				continue
			}
			rps, p50, p99, err := wrkRunIn(prefix[i], servers[i].url, secs)
			if err != nil {
				fail(i, err)
				continue
			}
			after, err := cpuTicks(pid)
			if err != nil {
				fail(i, err)
				continue
			}
			rs[i][0].Samples = append(rs[i][0].Samples, rps)
			rs[i][1].Samples = append(rs[i][1].Samples, p50)
			rs[i][2].Samples = append(rs[i][2].Samples, p99)
			rs[i][3].Samples = append(rs[i][3].Samples, (after-before)/100*1e6/(rps*float64(secs)))
		}
	}
	return collect()
}
