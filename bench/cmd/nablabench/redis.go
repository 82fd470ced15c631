// Redis: Debian's redis-server (tests/libos/fetch-dynroot.sh's tree) natively in a chroot, in
// runc and in runnc behind a veth, and as a unikernel (`nabla run --publish`, through its
// proxy and straight to its tap), each loaded by the tree's redis-benchmark: SET and GET
// requests/s.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// redisServerArgs: no background saves (they fork, which the libOS answers ENOSYS) and
// clients from outside the server's loopback (the proxy, the veth), as Docker's image does.
func redisServerArgs(port int) []string {
	return []string{"/usr/bin/redis-server", "--save", "", "--appendonly", "no",
		"--protected-mode", "no", "--port", strconv.Itoa(port)}
}

// redisSide is one running server and how redis-benchmark reaches it.
type redisSide struct {
	name, note string
	host       string
	port       int
	via        []string // prefix of the client's argv (nsenter into a namespace), or none
	cmd        *exec.Cmd
	done       chan struct{}
	stop       func()
}

// startRedisSide starts argv and waits until PING through host:port answers.
func (e *env) startRedisSide(s *redisSide, argv []string) error {
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Env = e.cmdEnv
	var out bytes.Buffer // what it said, for an error
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = e.devnull, &out, &out
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.done = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.done) }()
	s.stop = func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if err := s.ping(); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			s.stop()
			return fmt.Errorf("%s: no PONG after 60 s: %v: %s", s.name, err, tail(out.String()))
		}
		select {
		case <-s.done:
			return fmt.Errorf("%s: redis-server ended before serving (%v): %s", s.name, s.cmd.ProcessState, tail(out.String()))
		default:
		}
	}
}

// tail is the end of a command's output, on one line.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		s = s[len(s)-300:]
	}
	return strings.ReplaceAll(s, "\n", " | ")
}

// ping checks the server answers, from where its benchmark runs (in a namespace: redis-cli there).
func (s *redisSide) ping() error {
	if s.via != nil {
		out, err := exec.Command(s.via[0], append(s.via[1:], "/usr/bin/redis-cli", "-h", s.host, "-p", strconv.Itoa(s.port), "PING")...).Output()
		if err != nil || strings.TrimSpace(string(out)) != "PONG" {
			return fmt.Errorf("redis-cli PING: %q %v", out, err)
		}
		return nil
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(s.host, strconv.Itoa(s.port)), 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	l, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || l != "+PONG\r\n" {
		return fmt.Errorf("PING: %q %v", l, err)
	}
	return nil
}

var redisBenchRPS = regexp.MustCompile(`(SET|GET): ([0-9.]+) requests per second`)

// redisBench runs redis-benchmark (50 connections, 3-byte values, no pipelining) for
// requests SETs then GETs: requests per second of each.
func (e *env) redisBench(tree string, s *redisSide, requests int) (set, get float64, err error) {
	argv := append(append([]string{}, s.via...), "chroot", tree, "/usr/bin/redis-benchmark",
		"-h", s.host, "-p", strconv.Itoa(s.port), "-t", "set,get", "-n", strconv.Itoa(requests), "-q")
	if s.via != nil { // already chrooted by the prefix
		argv = append(append([]string{}, s.via...), argv[len(s.via)+2:]...)
	}
	o, err := e.run(argv...)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range redisBenchRPS.FindAllStringSubmatch(o.stdout, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		if m[1] == "SET" {
			set = v
		} else {
			get = v
		}
	}
	if set == 0 || get == 0 {
		return 0, 0, fmt.Errorf("redis-benchmark: no SET and GET figures in %.300q", o.stdout)
	}
	return set, get, nil
}

// redis measures SET and GET requests per second of redis-benchmark (requests of each per
// round, n rounds alternating) against: the native server on the host's loopback (the
// reference), runc and runnc with one bundle behind a veth each, the unikernel under
// `nabla run` through its published port (nabla's proxy, then the tap) and straight to
// its tap from inside its namespace.
func (e *env) redis(n, requests int) []*Result {
	const section = "redis"
	setup := func(err error) []*Result {
		return []*Result{{Section: section, Measure: "setup", Contender: "redis-server", Unit: "req/s", Error: err.Error()}}
	}
	out, err := exec.Command("bash", filepath.Join(e.repo, "tests/libos/fetch-dynroot.sh"), runtime.GOARCH).Output()
	if err != nil {
		return setup(fmt.Errorf("fetch-dynroot.sh: %v", err))
	}
	tree := strings.TrimSpace(string(out))
	sides := []*redisSide{
		{name: "native redis-server (chroot, host loopback)", host: "127.0.0.1", port: freeTCPPort()},
		{name: "runc redis-server (veth)", note: "kernel TCP/IP in its network namespace"},
		{name: "runnc redis-server (veth)", note: "the same bundle and namespace: libOS + lwIP on a tap joined to eth0"},
		{name: "nabla run --publish redis-server (proxy, tap, libOS + lwIP)", host: "127.0.0.1", port: freeTCPPort(),
			note: "nabla's TCP proxy into the unikernel's namespace, as docker-proxy for -p"},
		{name: "nabla run redis-server, straight to its tap", note: "the client in the unikernel's namespace: no proxy"},
	}
	errs := make([]error, len(sides))
	// Native.
	errs[0] = e.startRedisSide(sides[0], append([]string{"chroot", tree}, redisServerArgs(sides[0].port)...))
	// runc and runnc, each in a namespace of its own with a veth to the host.
	for i, rt := range []struct{ name, bin, root string }{
		{"runc", "runc", e.runcRoot}, {"runnc", filepath.Join(e.bin, "runnc"), e.runncRoot}} {
		side := sides[1+i]
		ns, err := newPodSide("rds-"+rt.name, 7+i) // interface names: at most 15 bytes
		if err != nil {
			errs[1+i] = err
			continue
		}
		defer ns.teardown()
		side.host, side.port = ns.addr, 6379
		bundle, err := e.treeBundle("redis-"+rt.name, tree, redisServerArgs(6379), "/var/run/netns/"+ns.ns)
		if err == nil {
			id := e.id("redis-" + rt.name)
			err = e.startRedisSide(side, []string{rt.bin, "--root", rt.root, "run", "-b", bundle, id})
			stop := side.stop
			side.stop = func() {
				e.run(rt.bin, "--root", rt.root, "kill", id, "TERM")
				stop()
				e.run(rt.bin, "--root", rt.root, "delete", "--force", id)
			}
		}
		errs[1+i] = err
	}
	// The unikernel under nabla run, once, reached both ways.
	errs[3] = e.startRedisSide(sides[3], append(e.nablaRootfs(tree, "--publish=127.0.0.1:"+strconv.Itoa(sides[3].port)+":6379"),
		redisServerArgs(6379)...))
	if errs[3] != nil {
		errs[4] = errs[3]
	} else if kids := childPids(sides[3].cmd.Process.Pid); len(kids) != 1 {
		errs[4] = fmt.Errorf("nabla has children %v, want the tender alone", kids)
	} else {
		sides[4].host, sides[4].port = "10.0.51.2", 6379 // README: the guest's address under --publish
		sides[4].via = []string{"nsenter", "--net=/proc/" + strconv.Itoa(kids[0]) + "/ns/net", "chroot", tree}
		errs[4] = sides[4].ping()
	}
	for i, s := range sides {
		if errs[i] == nil && s.stop != nil {
			defer s.stop()
		}
	}
	measure := "redis-benchmark %s requests per second (" + strconv.Itoa(requests) + " requests, 50 connections, 3-byte values)"
	rs := make([][2]*Result, len(sides))
	for i, s := range sides {
		for k, op := range []string{"SET", "GET"} {
			rs[i][k] = &Result{Section: section, Measure: fmt.Sprintf(measure, op), Contender: s.name, Unit: "req/s",
				Reference: i == 0, Note: s.note, Samples: []float64{}}
			if errs[i] != nil {
				rs[i][k].Error = errs[i].Error()
			}
		}
	}
	// A warm-up round, then n counted ones, each starting one side further along, so load
	// drift on the shared machine falls on all alike.
	for round := -1; round < n; round++ {
		for k := range sides {
			i := (k + round + 1) % len(sides)
			if rs[i][0].Error != "" {
				continue
			}
			set, get, err := e.redisBench(tree, sides[i], requests)
			if err != nil {
				rs[i][0].Error, rs[i][1].Error = err.Error(), err.Error()
				continue
			}
			if round >= 0 {
				rs[i][0].Samples = append(rs[i][0].Samples, set)
				rs[i][1].Samples = append(rs[i][1].Samples, get)
			}
		}
	}
	var res []*Result
	for k := 0; k < 2; k++ {
		for i := range sides {
			res = append(res, rs[i][k])
		}
	}
	return res
}

// freeTCPPort is a port nothing on the host's loopback listens on now.
func freeTCPPort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// childPids are pid's child processes.
func childPids(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, p := range tasks {
		b, _ := os.ReadFile(p)
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}
