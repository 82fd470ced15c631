// Debian's redis-server (7.0, dynamic glibc, jemalloc, its I/O threads) natively in a chroot
// of the Debian tree and as a unikernel behind `nabla run --publish`, each driven from the host
// by the tree's redis-cli (natively, in a chroot): 10,000 PING/SET/GET/INCR, replies compared
// line for line; then SIGTERM: the same clean shutdown (its log, exit 0) both ways.
package libos

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
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

// redisScript is n commands for redis-cli (one a line) and the raw replies they must get:
// PING, SET and GET of 50 keys in turn, INCR of one counter.
func redisScript(n int) (script string, want []string) {
	var b strings.Builder
	for i := 0; len(want) < n; i++ {
		fmt.Fprintf(&b, "PING\nSET key:%d value-%d\nGET key:%d\nINCR counter\n", i%50, i, i%50)
		want = append(want, "PONG", "OK", "value-"+strconv.Itoa(i), strconv.Itoa(i+1))
	}
	return b.String(), want
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

func TestRedis(t *testing.T) {
	requireNetAdmin(t)
	tree := dynTree(t)
	script, want := redisScript(10000)

	nport := freePort(t)
	native := startRedis(t, "native", chrootCmd(t, tree, redisArgs(nport)...), nport)
	nrep := native.cli(t, tree, script)
	if len(nrep) != len(want) {
		t.Fatalf("native: %d replies, want %d; output:\n%s", len(nrep), len(want), native.out)
	}
	for i := range want {
		if nrep[i] != want[i] {
			t.Fatalf("native reply %d: %q, want %q", i, nrep[i], want[i])
		}
	}
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
	urep := uk.cli(t, tree, script)
	if len(urep) != len(nrep) {
		t.Fatalf("unikernel: %d replies, native %d; output:\n%s", len(urep), len(nrep), uk.out)
	}
	for i := range nrep {
		if urep[i] != nrep[i] {
			t.Fatalf("unikernel reply %d: %q, native %q", i, urep[i], nrep[i])
		}
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
