// `nabla run --publish`: a Go file server from --rootfs fetched with curl through the
// published port, then ended every way a run ends, and nothing of it left on the host.
package libos

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
)

// publishRoot is the file server's rootfs: the app in /bin and 1 MiB of random bytes.
func publishRoot(t *testing.T) (root, sum string) {
	root = t.TempDir()
	big := make([]byte, 1<<20)
	rand.New(rand.NewSource(time.Now().UnixNano())).Read(big)
	h := sha256.Sum256(big)
	app, err := os.ReadFile(buildApp(t, "go-fileserver"))
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range map[string][]byte{"bin/go-fileserver": app, "srv/big.bin": big, "srv/hello.txt": []byte("hello\n")} {
		f := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root, hex.EncodeToString(h[:])
}

// freePort is a TCP port nothing listens on now.
func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// hostState is what a run could leave behind on the host: the link names and the
// nftables ruleset.
func hostState(t *testing.T) string {
	links, err := netlink.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, l := range links {
		s = append(s, l.Attrs().Name)
	}
	nft, err := exec.LookPath("nft")
	if err != nil {
		t.Fatalf("nft not found (apt-get install nftables): the test compares the ruleset before and after")
	}
	out, err := exec.Command(nft, "list", "ruleset").CombinedOutput()
	if err != nil {
		t.Fatalf("nft list ruleset: %v\n%s", err, out)
	}
	return "links: " + strings.Join(s, " ") + "\nnft:\n" + string(out)
}

// netnsUsers lists the tasks whose network namespace is ns (a /proc/PID/ns/net link).
func netnsUsers(ns string) []string {
	var users []string
	tasks, _ := filepath.Glob("/proc/[0-9]*/task/[0-9]*/ns/net")
	for _, p := range tasks {
		if l, err := os.Readlink(p); err == nil && l == ns {
			users = append(users, p)
		}
	}
	return users
}

// children are the pids of pid's child processes.
func children(pid int) []int {
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

// fetch gets url into file with curl. The aarch64 VM has no curl (and busybox-static's
// wget crashes there: static glibc's resolver), so there the test's own Go client fetches.
func fetch(t *testing.T, url, file string) error {
	p, err := exec.LookPath("curl")
	if err != nil && os.Getenv("NABLA_VM") == "1" {
		return goFetch(url, file)
	}
	if err != nil {
		t.Fatal("curl not found (apt-get install curl)")
	}
	cmd := exec.Command(p, "-sS", "--fail", "--max-time", "120", "-o", file, url)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	return nil
}

func goFetch(url, file string) error {
	c := &http.Client{Timeout: 120 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

// publishedRun is one `nabla run --publish` of the file server.
type publishedRun struct {
	cmd    *exec.Cmd
	out    *bytes.Buffer
	done   chan struct{}
	port   int // PORT in the --publish values
	port2  int // PORT2
	tender int
	netns  string // the private namespace, as /proc/PID/ns/net names it
}

func startPublished(t *testing.T, root string, publish ...string) *publishedRun {
	t.Helper()
	port, port2 := freePort(t), freePort(t)
	argv := []string{"run", "--rootfs=" + root, "--mem=" + strconv.Itoa(defaultMem(t)),
		"--libos=" + libosPath(t), "--tender=" + tender(t)}
	for _, p := range publish {
		p = strings.ReplaceAll(p, "PORT2", strconv.Itoa(port2))
		argv = append(argv, "--publish="+strings.ReplaceAll(p, "PORT", strconv.Itoa(port)))
	}
	argv = append(argv, "/bin/go-fileserver", ":8080", "/srv")
	r := &publishedRun{cmd: exec.Command(nablaCmd(t), argv...), out: &bytes.Buffer{}, done: make(chan struct{}), port: port, port2: port2}
	r.cmd.Env = []string{"NABLA_CACHE_DIR=" + nablaCacheDir(t), "HOME=" + work(t), "PATH=" + os.Getenv("PATH")}
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	// A tender left running (the failure TestPublishEnds looks for) would hold the output
	// pipe open, and Wait with it.
	r.cmd.WaitDelay = 5 * time.Second
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			r.cmd.Process.Kill()
			<-r.done
		}
		if r.tender > 0 {
			syscall.Kill(r.tender, syscall.SIGKILL) // a tender that outlived nabla (a failure)
		}
	})
	// Up when the app answers through the port (the first run bakes the image).
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(120 * time.Second)
	for {
		st, b, err := get(addr, "GET", "/hello.txt", nil)
		if err == nil && st == 200 && string(b) == "hello\n" {
			break
		}
		select {
		case <-r.done:
			t.Fatalf("nabla ended (%v) before serving; output:\n%s", r.cmd.ProcessState, r.out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer on %s: %d %q %v; output:\n%s", addr, st, b, err, r.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	kids := children(r.cmd.Process.Pid)
	if len(kids) != 1 {
		t.Fatalf("nabla has children %v, want the tender alone", kids)
	}
	r.tender = kids[0]
	var err error
	if r.netns, err = os.Readlink(fmt.Sprintf("/proc/%d/ns/net", r.tender)); err != nil {
		t.Fatal(err)
	}
	if self, _ := os.Readlink("/proc/self/ns/net"); self == r.netns {
		t.Fatalf("the tender runs in the host's network namespace %s", self)
	}
	return r
}

// wait is nabla's end: the exit status or 128+signal.
func (r *publishedRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("nabla did not end; output:\n%s", r.out)
	}
	ws := r.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// checkGone requires the tender, the private namespace and the host port gone and the
// host's links and nftables ruleset as they were.
func (r *publishedRun) checkGone(t *testing.T, before string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := os.Stat(fmt.Sprintf("/proc/%d", r.tender))
		users := netnsUsers(r.netns)
		if os.IsNotExist(err) && len(users) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the run: tender %d still there (%v) or namespace %s still used by %v", r.tender, err, r.netns, users)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after := hostState(t); after != before {
		t.Fatalf("the run left host state behind:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port)))
	if err != nil {
		t.Fatalf("host port %d still bound: %v", r.port, err)
	}
	ln.Close()
}

func TestPublishFileServer(t *testing.T) {
	requireNetAdmin(t)
	root, sum := publishRoot(t)
	before := hostState(t)
	// Two ports for one guest port: one on the host's loopback only, one on every
	// address, IPv6 too (fetched on ::1 when the host has it).
	r := startPublished(t, root, "127.0.0.1:PORT:8080", "PORT2:8080/tcp")
	other := "127.0.0.1"
	if ln, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		ln.Close()
		other = "[::1]"
	}
	file := filepath.Join(t.TempDir(), "big.bin")
	for i, url := range []string{
		"http://127.0.0.1:" + strconv.Itoa(r.port) + "/big.bin",
		"http://" + other + ":" + strconv.Itoa(r.port2) + "/big.bin",
		"http://127.0.0.1:" + strconv.Itoa(r.port2) + "/big.bin",
	} {
		if err := fetch(t, url, file); err != nil {
			t.Fatalf("fetch %s: %v; output:\n%s", url, err, r.out)
		}
		got, err := fileSHA(file)
		if err != nil || got != sum {
			t.Fatalf("fetch %d (%s): sha256 %s (%v), want %s", i, url, got, err, sum)
		}
	}
	if _, b, err := get("127.0.0.1:"+strconv.Itoa(r.port), "GET", "/quit", nil); err != nil || string(b) != "bye" {
		t.Fatalf("/quit: %q %v", b, err)
	}
	if st := r.wait(t); st != 0 || r.out.String() != "listening\nserved\n" {
		t.Fatalf("status %d, output %q", st, r.out)
	}
	r.checkGone(t, before)
}

// Every other way the run ends: nabla's status is the tender's, and nothing is left.
func TestPublishEnds(t *testing.T) {
	requireNetAdmin(t)
	root, _ := publishRoot(t)
	cases := []struct {
		name   string
		end    func(t *testing.T, r *publishedRun)
		status int
	}{
		// The tender passes SIGTERM and SIGINT to the app, whose Go runtime dies by them.
		{"sigterm", func(t *testing.T, r *publishedRun) { r.cmd.Process.Signal(syscall.SIGTERM) }, 128 + 15},
		{"sigint", func(t *testing.T, r *publishedRun) { r.cmd.Process.Signal(syscall.SIGINT) }, 128 + 2},
		// A Go panic in the guest: exit status 2.
		{"crash", func(t *testing.T, r *publishedRun) {
			get("127.0.0.1:"+strconv.Itoa(r.port), "GET", "/crash", nil)
		}, 2},
		// The guest process killed under the tender: the tender and nabla die by SIGKILL too.
		{"guest-killed", func(t *testing.T, r *publishedRun) {
			g := children(r.tender)
			if len(g) != 1 {
				t.Fatalf("tender %d has children %v, want the guest alone", r.tender, g)
			}
			syscall.Kill(g[0], syscall.SIGKILL)
		}, 128 + 9},
		// The guest killed by SIGSEGV (as a fault would): 139, and no Go crash dump.
		{"guest-segv", func(t *testing.T, r *publishedRun) {
			g := children(r.tender)
			if len(g) != 1 {
				t.Fatalf("tender %d has children %v, want the guest alone", r.tender, g)
			}
			syscall.Kill(g[0], syscall.SIGSEGV)
		}, 128 + 11},
		// nabla itself killed: the tender dies with it (PR_SET_PDEATHSIG), and the guest
		// with the tender.
		{"nabla-killed", func(t *testing.T, r *publishedRun) { r.cmd.Process.Kill() }, 128 + 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := hostState(t)
			r := startPublished(t, root, "127.0.0.1:PORT:8080")
			c.end(t, r)
			if st := r.wait(t); st != c.status || c.name != "crash" && strings.Contains(r.out.String(), "goroutine ") {
				t.Fatalf("status %d, want %d; output:\n%s", st, c.status, r.out)
			}
			r.checkGone(t, before)
		})
	}
}

// The refusals are one line each, before anything is made.
func TestPublishBadFlags(t *testing.T) {
	root, _ := publishRoot(t)
	for _, c := range []struct{ flag, want string }{
		{"8080", "HOSTPORT missing"},
		{"1:2:3:4", "too many fields"},
		{"8080:80/udp", "only TCP ports can be published"},
		{"70000:80", "is not a port"},
		{"8000-8010:80", "port ranges are not supported"},
		{"300.1.1.1:80:80", "bad IPv4 address"},
	} {
		out, err := exec.Command(nablaCmd(t), "run", "--rootfs="+root, "--publish="+c.flag, "/bin/go-fileserver", ":8080", "/srv").CombinedOutput()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err == nil || len(lines) != 1 || !strings.Contains(lines[0], c.want) {
			t.Errorf("--publish=%s: %v, output %q, want one line with %q", c.flag, err, out, c.want)
		}
	}
	// Not root: a namespace cannot be made (as nobody, when this test is root).
	if os.Geteuid() == 0 {
		cmd := exec.Command(nablaCmd(t), "run", "--rootfs="+root, "--publish=8080:8080", "/bin/go-fileserver", ":8080", "/srv")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		if err == nil || strings.Count(string(out), "\n") != 1 || !strings.Contains(string(out), "--publish needs root") {
			t.Errorf("as nobody: %v, output %q", err, out)
		}
	}
}
