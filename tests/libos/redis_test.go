// Debian's redis-server (7.0, dynamic glibc, jemalloc, its threads) natively in a chroot of
// the Debian tree and as a unikernel behind `nabla run --publish`, each driven from the host
// by the tree's redis-cli (natively, in a chroot) and a pipelining client: 10,400
// PING/SET/GET/INCR, every reply compared; then SIGTERM: the same clean shutdown (its log,
// exit 0) both ways.
package libos

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// redisArgs start redis-server without what needs fork (background saves: `--save ""`,
// no AOF rewrite) and answering clients that are not on its loopback (the published port's
// proxy dials the guest from outside it, as Docker's does: its redis image turns protected
// mode off the same way).
// On arm64 redis first probes the kernel for an old copy-on-write bug by forking a child;
// the libOS answers fork ENOSYS, so the probe cannot run and redis would refuse to start:
// the setting it offers for that is given (both ways, so the logs compare).
func redisArgs(port int) []string {
	a := []string{"/usr/bin/redis-server", "--save", "", "--appendonly", "no",
		"--protected-mode", "no", "--port", strconv.Itoa(port)}
	if runtime.GOARCH == "arm64" {
		a = append(a, "--ignore-warnings", "ARM64-COW-BUG")
	}
	return a
}

// redisScript is n commands (PING, SET and GET of 50 keys in turn, INCR of a counter, each
// name with prefix) and the raw replies they must get.
func redisScript(prefix string, n int) (cmds [][]string, want []string) {
	for i := 0; len(cmds) < n; i++ {
		k, v := fmt.Sprintf("%skey:%d", prefix, i%50), "value-"+strconv.Itoa(i)
		cmds = append(cmds, []string{"PING"}, []string{"SET", k, v}, []string{"GET", k}, []string{"INCR", prefix + "counter"})
		want = append(want, "PONG", "OK", v, strconv.Itoa(i+1))
	}
	return cmds, want
}

// cliScript is cmds as redis-cli reads them from its stdin: one a line.
func cliScript(cmds [][]string) string {
	var b strings.Builder
	for _, c := range cmds {
		b.WriteString(strings.Join(c, " ") + "\n")
	}
	return b.String()
}

// respPipeline sends every command at once (RESP arrays, written while the replies are
// read) and returns the replies as redis-cli prints them raw: a status or error's text,
// an integer, a bulk string's bytes, "" for a nil bulk.
func respPipeline(addr string, cmds [][]string, timeout time.Duration) ([]string, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(c)
		for _, cmd := range cmds {
			fmt.Fprintf(w, "*%d\r\n", len(cmd))
			for _, a := range cmd {
				fmt.Fprintf(w, "$%d\r\n%s\r\n", len(a), a)
			}
		}
		werr <- w.Flush()
	}()
	r := bufio.NewReader(c)
	var out []string
	for len(out) < len(cmds) {
		l, err := r.ReadString('\n')
		if err != nil {
			return out, fmt.Errorf("reply %d: %v", len(out), err)
		}
		l = strings.TrimSuffix(l, "\r\n")
		if l == "" {
			return out, fmt.Errorf("reply %d: an empty line", len(out))
		}
		switch l[0] {
		case '+', '-', ':':
			out = append(out, l[1:])
		case '$':
			n, err := strconv.Atoi(l[1:])
			if err != nil || n < -1 || n > 1<<20 {
				return out, fmt.Errorf("reply %d: bad bulk length %q", len(out), l)
			}
			if n < 0 {
				out = append(out, "")
				continue
			}
			b := make([]byte, n+2)
			if _, err := io.ReadFull(r, b); err != nil {
				return out, fmt.Errorf("reply %d: %v", len(out), err)
			}
			out = append(out, string(b[:n]))
		default:
			return out, fmt.Errorf("reply %d: unexpected %q", len(out), l)
		}
	}
	return out, <-werr
}

// redisServer is one running redis-server, native or a unikernel, with its output.
type redisServer struct {
	name string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{}
	port int // where the host reaches it
}

// chrootCmd is argv run natively in a chroot of tree (the file tests' helper: /proc and
// /dev mounted in a private mount namespace), in the host's network namespace.
func chrootCmd(t *testing.T, tree string, argv ...string) *exec.Cmd {
	t.Helper()
	spec, _ := json.Marshal(chrootSpec{Root: tree, Argv: argv, Env: appEnv})
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = []string{chrootEnv + "=" + string(spec)}
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	return cmd
}

func startRedis(t *testing.T, name string, cmd *exec.Cmd, port int) *redisServer {
	t.Helper()
	r := &redisServer{name: name, cmd: cmd, out: &bytes.Buffer{}, done: make(chan struct{}), port: port}
	cmd.Stdout, cmd.Stderr = r.out, r.out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			cmd.Process.Kill()
			<-r.done
		}
	})
	// Up when it answers PING through the port (the first unikernel run makes the disk).
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(120 * time.Second)
	for {
		got, err := redisPing(addr)
		if err == nil && got == "+PONG" {
			return r
		}
		select {
		case <-r.done:
			t.Fatalf("%s redis-server ended (%v) before serving; output:\n%s", name, cmd.ProcessState, r.out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s redis-server: no PONG on %s: %q %v; output:\n%s", name, addr, got, err, r.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// redisPing sends one inline PING and reads the reply line.
func redisPing(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return "", err
	}
	l, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimRight(l, "\r\n"), err
}

// cli runs the tree's redis-cli natively against the server with script on its stdin: its
// raw replies, one a line.
func (r *redisServer) cli(t *testing.T, tree, script string) []string {
	t.Helper()
	cmd := chrootCmd(t, tree, "/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", strconv.Itoa(r.port))
	cmd.Stdin = strings.NewReader(script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || stderr.Len() > 0 {
			t.Fatalf("redis-cli against the %s server: %v, stderr %q; server output:\n%s", r.name, err, stderr.String(), r.out)
		}
	case <-time.After(time.Duration(e2eScale()) * 120 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("redis-cli against the %s server did not finish; %d bytes of replies; server output:\n%s", r.name, stdout.Len(), r.out)
	}
	return strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
}

// stop sends SIGTERM and returns the exit status.
func (r *redisServer) stop(t *testing.T) int {
	t.Helper()
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(time.Duration(e2eScale()) * 30 * time.Second):
		t.Fatalf("%s redis-server did not end on SIGTERM; output:\n%s", r.name, r.out)
	}
	ws := r.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

var (
	redisLogLine = regexp.MustCompile(`^\d+:([CMSX]) \d\d \w{3} \d{4} [0-9:.]+ (.) (.*)$`)
	redisSigLine = regexp.MustCompile(`^\d+:signal-handler \(\d+\) (.*)$`)
	redisPortArg = regexp.MustCompile(`(port|pid)=\d+`)
)

// redisLog is redis-server's log without pids (1 in the unikernel), times and the port,
// and without the lines about the machine rather than the program (each side's own
// warnings: open-file limits, overcommit, transparent huge pages, arm64's fork probe) and the libOS's own
// (--debug), which it returns apart.
func redisLog(out string) (log, env, libos []string) {
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "libos: ") {
			libos = append(libos, l)
			continue
		}
		if m := redisLogLine.FindStringSubmatch(l); m != nil {
			l = m[1] + " " + m[2] + " " + redisPortArg.ReplaceAllString(m[3], "$1=N")
		} else if m := redisSigLine.FindStringSubmatch(l); m != nil {
			l = "signal-handler " + m[1]
		}
		if strings.Contains(l, "WARNING") || strings.Contains(l, "open files") || strings.Contains(l, "max file descriptors") ||
			strings.Contains(l, "Failed to test the kernel for a bug") {
			env = append(env, l)
			continue
		}
		log = append(log, l)
	}
	return log, env, libos
}

// e2eScale is NABLA_E2E_TIMEOUT_SCALE (the VM's emulated CPU is slower), at least 1.
func e2eScale() int {
	if n, err := strconv.Atoi(os.Getenv("NABLA_E2E_TIMEOUT_SCALE")); err == nil && n > 1 {
		return n
	}
	return 1
}

// exercise drives r from the host: the tree's redis-cli with 400 commands, one at a time,
// then 10,000 more pipelined on one connection (quick enough for the aarch64 VM's emulated
// CPU); every reply, checked against what the commands must get.
func (r *redisServer) exercise(t *testing.T, tree string) []string {
	t.Helper()
	t0 := time.Now()
	cmds, want := redisScript("cli:", 400)
	replies := r.cli(t, tree, cliScript(cmds))
	t1 := time.Now()
	more, wantMore := redisScript("", 10000)
	got, err := respPipeline(net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port)), more, time.Duration(e2eScale())*120*time.Second)
	if err != nil {
		t.Fatalf("%s: 10,000 pipelined commands: %v; server output:\n%s", r.name, err, r.out)
	}
	t.Logf("%s: redis-cli's 400 commands in %v, 10,000 pipelined in %v", r.name, t1.Sub(t0), time.Since(t1))
	replies, want = append(replies, got...), append(want, wantMore...)
	if len(replies) != len(want) {
		t.Fatalf("%s: %d replies, want %d; output:\n%s", r.name, len(replies), len(want), r.out)
	}
	for i := range want {
		if replies[i] != want[i] {
			t.Fatalf("%s: reply %d: %q, want %q", r.name, i, replies[i], want[i])
		}
	}
	return replies
}

func TestRedis(t *testing.T) {
	requireNetAdmin(t)
	tree := dynTree(t)

	nport := freePort(t)
	native := startRedis(t, "native", chrootCmd(t, tree, redisArgs(nport)...), nport)
	nrep := native.exercise(t, tree)
	if st := native.stop(t); st != 0 {
		t.Fatalf("native redis-server: status %d on SIGTERM; output:\n%s", st, native.out)
	}

	uport := freePort(t)
	argv := []string{"run", "--rootfs=" + tree, "--mem=" + strconv.Itoa(defaultMem(t)),
		"--libos=" + libosPath(t), "--tender=" + tender(t), "--debug", "--publish=127.0.0.1:" + strconv.Itoa(uport) + ":6379"}
	for _, e := range appEnv {
		argv = append(argv, "--env="+e)
	}
	cmd := exec.Command(nablaCmd(t), append(argv, redisArgs(6379)...)...)
	cmd.Env = []string{"NABLA_CACHE_DIR=" + nablaCacheDir(t), "HOME=" + work(t), "PATH=" + os.Getenv("PATH")}
	uk := startRedis(t, "unikernel", cmd, uport)
	urep := uk.exercise(t, tree)
	if strings.Join(urep, "\n") != strings.Join(nrep, "\n") {
		t.Fatalf("the unikernel's replies differ from the native run's")
	}
	if st := uk.stop(t); st != 0 {
		t.Fatalf("unikernel redis-server: status %d on SIGTERM; output:\n%s", st, uk.out)
	}

	// The same log both ways, start-up to "bye bye", but for each machine's warnings.
	nlog, nenv, _ := redisLog(native.out.String())
	ulog, uenv, ulibos := redisLog(uk.out.String())
	// Every call it made was served (--debug names the others), but arm64's fork probe.
	for _, l := range ulibos {
		if runtime.GOARCH == "arm64" && (strings.Contains(l, "clone") || strings.Contains(l, "fork")) {
			continue
		}
		if strings.Contains(l, "ENOSYS") || strings.Contains(l, "unsupported") {
			t.Errorf("the unikernel made a call the libOS does not serve: %s", l)
		}
	}
	if len(ulibos) == 0 {
		t.Errorf("no libOS lines under --debug: the run was not the unikernel's?")
	}
	t.Logf("native's machine lines: %q", nenv)
	t.Logf("unikernel's machine lines: %q", uenv)
	if strings.Join(ulog, "\n") != strings.Join(nlog, "\n") {
		t.Fatalf("the logs differ:\nnative:\n%s\nunikernel:\n%s", strings.Join(nlog, "\n"), strings.Join(ulog, "\n"))
	}
	if len(nlog) == 0 || !strings.HasSuffix(nlog[len(nlog)-1], "Redis is now ready to exit, bye bye...") {
		t.Fatalf("no clean shutdown in the log:\n%s", strings.Join(nlog, "\n"))
	}
}
