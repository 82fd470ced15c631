// Network: the same static Go HTTP server natively and baked on nabla-spt, each behind a bridge in its own network namespace, driven by wrk and curl from the host.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// netSide is one contender's network: namespace nbb-NAME with a bridge holding the veth
// from the host (10.79.I.1 on the host side) and either the server's own address (native)
// or the tap the tender uses (the unikernel is 10.79.I.2 on it).
type netSide struct {
	name, ns, hostIf, addr string
	idx                    int
	cmd                    *exec.Cmd
}

func ipCmd(args ...string) error {
	if b, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(b)))
	}
	return nil
}

// vethSide is the side named name, cleared of what a killed earlier run left, and the
// ip steps every kind starts with: namespace nbb-NAME, a veth from the host (10.79.I.1)
// whose inner end is named inner, the namespace's loopback up.
func vethSide(name string, idx int, inner string) (*netSide, [][]string) {
	s := &netSide{name: name, ns: "nbb-" + name, hostIf: "nbbh-" + name, idx: idx,
		addr: fmt.Sprintf("10.79.%d.2", idx)}
	s.teardown()
	return s, [][]string{
		{"netns", "add", s.ns},
		{"link", "add", s.hostIf, "type", "veth", "peer", "name", inner, "netns", s.ns},
		{"addr", "add", fmt.Sprintf("10.79.%d.1/24", idx), "dev", s.hostIf},
		{"link", "set", s.hostIf, "up"},
		{"-n", s.ns, "link", "set", "lo", "up"},
	}
}

// mtu 0 leaves every link at the kernel's 1500.
func newNetSide(name string, idx int, tap bool, mtu int) (*netSide, error) {
	s, steps := vethSide(name, idx, "nbbc")
	steps = append(steps, [][]string{
		{"-n", s.ns, "link", "add", "br0", "type", "bridge"},
		{"-n", s.ns, "link", "set", "nbbc", "master", "br0", "up"},
		{"-n", s.ns, "link", "set", "br0", "up"},
	}...)
	if tap {
		steps = append(steps, []string{"-n", s.ns, "tuntap", "add", "dev", "tap0", "mode", "tap"},
			[]string{"-n", s.ns, "link", "set", "tap0", "master", "br0", "up"})
	} else {
		steps = append(steps, []string{"-n", s.ns, "addr", "add", s.addr + "/24", "dev", "br0"})
	}
	if mtu > 0 {
		m := strconv.Itoa(mtu)
		steps = append(steps, []string{"link", "set", s.hostIf, "mtu", m},
			[]string{"-n", s.ns, "link", "set", "nbbc", "mtu", m}, []string{"-n", s.ns, "link", "set", "br0", "mtu", m})
		if tap {
			steps = append(steps, []string{"-n", s.ns, "link", "set", "tap0", "mtu", m})
		}
	}
	for _, a := range steps {
		if err := ipCmd(a...); err != nil {
			s.teardown()
			return nil, err
		}
	}
	return s, nil
}

// newPodSide is a namespace as the CNI bridge plugin leaves a pod's: the veth's inner end
// is eth0 with 10.79.I.2/24 and a default route to the host end (10.79.I.1). runc's
// process uses eth0 itself; runnc moves its address to the unikernel's tap.
func newPodSide(name string, idx int) (*netSide, error) {
	s, steps := vethSide(name, idx, "eth0")
	steps = append(steps, [][]string{
		{"-n", s.ns, "addr", "add", s.addr + "/24", "dev", "eth0"},
		{"-n", s.ns, "link", "set", "eth0", "up"},
		{"-n", s.ns, "route", "add", "default", "via", fmt.Sprintf("10.79.%d.1", idx)},
	}...)
	for _, a := range steps {
		if err := ipCmd(a...); err != nil {
			s.teardown()
			return nil, err
		}
	}
	return s, nil
}

// start runs argv in the namespace and waits for its LISTENING line.
func (s *netSide) start(e *env, argv []string) error {
	c := exec.Command("ip", append([]string{"netns", "exec", s.ns}, argv...)...)
	out, err := c.StdoutPipe()
	if err != nil {
		return err
	}
	c.Stdin, c.Stderr = e.devnull, e.devnull
	if err := c.Start(); err != nil {
		return err
	}
	select {
	case ok := <-waitLine(out, "LISTENING"):
		if ok {
			s.cmd = c
			return s.reachable()
		}
		err = fmt.Errorf("%s exited before it listened", s.name)
	case <-time.After(20 * time.Second):
		err = fmt.Errorf("%s not listening after 20 s", s.name)
	}
	c.Process.Kill()
	c.Wait()
	return err
}

// reachable waits until a request from the host is answered (ARP, the bridge learning).
func (s *netSide) reachable() error {
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var b []byte
		if b, err = exec.Command("curl", "-s", "--max-time", "2", "http://"+s.addr+":8080/hello").Output(); err == nil && string(b) == "hello\n" {
			return nil
		}
	}
	return fmt.Errorf("%s: %s:8080 not reachable from the host: %v", s.name, s.addr, err)
}

func (s *netSide) teardown() {
	if s.cmd != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
	exec.Command("ip", "netns", "del", s.ns).Run() // takes the veth pair and the tap with it
	exec.Command("ip", "link", "del", s.hostIf).Run()
}

// cpuTicks is the user+system time of the process tree, in clock ticks.
func cpuTicks(pid int) (float64, error) {
	var sum float64
	for _, p := range tree(pid) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue // exited meanwhile
		}
		s := string(b)
		fs := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fs) < 13 {
			return 0, fmt.Errorf("/proc/%d/stat: short", p)
		}
		u, _ := strconv.ParseFloat(fs[11], 64)
		k, _ := strconv.ParseFloat(fs[12], 64)
		sum += u + k
	}
	return sum, nil
}

var (
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkErrors  = regexp.MustCompile(`(Socket errors:[^\n]*|Non-2xx or 3xx responses:[^\n]*)`)
)

// wrkRun is one wrk run: requests per second and the p50/p99 latencies in ms.
func wrkRun(url string, secs int) (rps, p50, p99 float64, err error) { return wrkRunIn(nil, url, secs) }

// wrkRunIn is wrkRun with wrk started by the command prefix (nsenter into a namespace).
func wrkRunIn(prefix []string, url string, secs int) (rps, p50, p99 float64, err error) {
	argv := append(append([]string{}, prefix...), "wrk", "-t2", "-c64", fmt.Sprintf("-d%ds", secs), "--latency", url)
	b, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	out := string(b)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("wrk: %v: %s", err, out)
	}
	if m := wrkErrors.FindString(out); m != "" {
		return 0, 0, 0, fmt.Errorf("wrk reported errors: %s", m)
	}
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return 0, 0, 0, fmt.Errorf("wrk: no Requests/sec in %q", out)
	}
	rps, _ = strconv.ParseFloat(m[1], 64)
	for _, l := range wrkLatency.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(l[2], 64)
		switch l[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if l[1] == "50" {
			p50 = v
		} else {
			p99 = v
		}
	}
	if p50 == 0 || p99 == 0 {
		return 0, 0, 0, fmt.Errorf("wrk: no latency distribution in %q", out)
	}
	return rps, p50, p99, nil
}

// streamRun fetches mib MiB with curl: MB/s (10^6 bytes per second), the size checked.
func streamRun(url string, mib int) (float64, error) {
	b, err := exec.Command("curl", "-s", "-o", "/dev/null", "--max-time", "120",
		"-w", "%{size_download} %{speed_download}", fmt.Sprintf("%s?mib=%d", url, mib)).Output()
	if err != nil {
		return 0, fmt.Errorf("curl: %v", err)
	}
	var size, speed float64
	if _, err := fmt.Sscan(string(b), &size, &speed); err != nil || size != float64(mib<<20) {
		return 0, fmt.Errorf("curl: got %q, want %d bytes", b, mib<<20)
	}
	return speed / 1e6, nil
}

// buildHTTPGo builds bench/guest/http-go static and bakes it with a NIC.
func (e *env) buildHTTPGo() (native, baked string, err error) {
	native, baked = e.path("http-go"), e.path("http-go.spt")
	c := exec.Command(goTool(), "build", "-trimpath", "-o", native, "./bench/guest/http-go")
	c.Dir = e.repo
	c.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if b, err := c.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go build bench/guest/http-go: %v\n%s", err, b)
	}
	if _, err := e.run(filepath.Join(e.bin, "nabla"), "bake", native, "-o", baked, "--net", "service"); err != nil {
		return "", "", err
	}
	return native, baked, nil
}

// network measures both servers: requests per second and latency (wrk for secs seconds, 64
// connections, keep-alive, a 6-byte body), a stream of streamMiB, CPU over idle (the goal:
// none) and idle memory.
func (e *env) network(n, secs, streamMiB int, idle time.Duration) []*Result {
	const section = "network"
	measures := []struct{ measure, unit, note string }{
		{"HTTP requests per second (wrk -t2 -c64, keep-alive, 6-byte body)", "req/s", ""},
		{"HTTP latency p50 (same runs)", "ms", ""},
		{"HTTP latency p99 (same runs)", "ms", ""},
		{fmt.Sprintf("one %d MiB HTTP stream to curl", streamMiB), "MB/s", ""},
		{fmt.Sprintf("CPU time of the idle listening server over %v", idle), "ms", "user+system of the process tree"},
		{"memory of the idle listening server (PSS of its process tree)", "KiB", "after the load above"},
	}
	names := []string{"native static Go server (kernel TCP/IP)", "nabla-spt on the baked server (libOS + lwIP, tap)"}
	rs := make([][]*Result, len(names))
	for i, nm := range names {
		for _, m := range measures {
			rs[i] = append(rs[i], &Result{Section: section, Measure: m.measure, Contender: nm, Unit: m.unit,
				Reference: i == 0, Note: m.note, Samples: []float64{}})
		}
	}
	fail := func(i int, err error) {
		for _, r := range rs[i] {
			if r.Error == "" {
				r.Error = err.Error()
			}
		}
	}
	var out []*Result
	collect := func() []*Result {
		for k := range measures {
			for i := range names {
				out = append(out, rs[i][k])
			}
		}
		return out
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		for i := range names {
			fail(i, fmt.Errorf("wrk missing (apt-get install wrk, or run with -install)"))
		}
		return collect()
	}
	native, baked, err := e.buildHTTPGo()
	if err != nil {
		for i := range names {
			fail(i, err)
		}
		return collect()
	}
	sides := make([]*netSide, len(names))
	for i := range names {
		s, err := e.httpSide([]string{"native", "uk"}[i], i, i == 1, 0, native, baked)
		if err != nil {
			fail(i, err)
			continue
		}
		defer s.teardown()
		sides[i] = s
	}
	// Alternating rounds, as alternate() does, so load drift falls on both.
	for round := 0; round < n; round++ {
		for k := range names {
			i := (k + round) % len(names)
			s := sides[i]
			if s == nil || rs[i][0].Error != "" {
				continue
			}
			rps, p50, p99, err := wrkRun("http://"+s.addr+":8080/hello", secs)
			if err != nil {
				fail(i, err)
				continue
			}
			rs[i][0].Samples = append(rs[i][0].Samples, rps)
			rs[i][1].Samples = append(rs[i][1].Samples, p50)
			rs[i][2].Samples = append(rs[i][2].Samples, p99)
			mbs, err := streamRun("http://"+s.addr+":8080/stream", streamMiB)
			if err != nil {
				rs[i][3].Error = err.Error()
				continue
			}
			rs[i][3].Samples = append(rs[i][3].Samples, mbs)
		}
	}
	// Idle: both at once, over the same span.
	hz := 100.0
	before := make([]float64, len(names))
	for i, s := range sides {
		if s != nil {
			before[i], _ = cpuTicks(s.cmd.Process.Pid)
		}
	}
	time.Sleep(idle)
	for i, s := range sides {
		if s == nil {
			continue
		}
		after, err := cpuTicks(s.cmd.Process.Pid)
		if err != nil {
			rs[i][4].Error = err.Error()
		} else {
			rs[i][4].Samples = append(rs[i][4].Samples, (after-before[i])*1000/hz)
		}
		pss, err := treeSum(s.cmd.Process.Pid, "smaps_rollup", "Pss")
		if err != nil {
			rs[i][5].Error = err.Error()
		} else {
			rs[i][5].Samples = append(rs[i][5].Samples, pss)
		}
	}
	return append(collect(), e.jumboStreams(native, baked, n, streamMiB)...)
}

// httpSide is one contender's network (newNetSide) with its server listening: the native
// binary, or the baked one on nabla-spt over the tap. The caller tears it down.
func (e *env) httpSide(name string, idx int, tap bool, mtu int, native, baked string) (*netSide, error) {
	s, err := newNetSide(name, idx, tap, mtu)
	if err != nil {
		return nil, err
	}
	argv := []string{native}
	if tap {
		cfg := fmt.Sprintf(`{"argv":["http-go"],"net":{"addr":"%s","mask":"24","gw":"10.79.%d.1"}}`, s.addr, idx)
		argv = []string{filepath.Join(e.bin, "nabla-spt"), fmt.Sprintf("--mem=%d", libosMemMiB),
			"--net:service=tap0", baked, "--solo5:quiet", cfg}
	}
	if err := s.start(e, argv); err != nil {
		s.teardown()
		return nil, err
	}
	return s, nil
}

// jumboStreams is the stream measure again with a 9000-byte MTU on every link (what a
// cloud VPC or a tuned cluster network gives): the unikernel's TCP then sends 8960-byte
// segments, a sixth of the frames (and host system calls) a 1500-byte link needs.
func (e *env) jumboStreams(native, baked string, n, streamMiB int) []*Result {
	const mtu = 9000
	names := []string{"native static Go server (kernel TCP/IP)", "nabla-spt on the baked server (libOS + lwIP, tap)"}
	rs := make([]*Result, len(names))
	sides := make([]*netSide, len(names))
	for i, nm := range names {
		rs[i] = &Result{Section: "network", Measure: fmt.Sprintf("one %d MiB HTTP stream to curl, %d-byte MTU", streamMiB, mtu),
			Contender: nm, Unit: "MB/s", Reference: i == 0, Samples: []float64{}}
		idx := len(names) + i // beside the 1500-byte sides, which are still up
		s, err := e.httpSide([]string{"nativej", "ukj"}[i], idx, i == 1, mtu, native, baked)
		if err != nil {
			rs[i].Error = err.Error()
			continue
		}
		defer s.teardown()
		sides[i] = s
	}
	for round := 0; round < n; round++ {
		for k := range names {
			i := (k + round) % len(names)
			if sides[i] == nil || rs[i].Error != "" {
				continue
			}
			mbs, err := streamRun("http://"+sides[i].addr+":8080/stream", streamMiB)
			if err != nil {
				rs[i].Error = err.Error()
				continue
			}
			rs[i].Samples = append(rs[i].Samples, mbs)
		}
	}
	return rs
}
