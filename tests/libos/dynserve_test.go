// Servers from Debian packages (nginx, python3's http.server) run natively in a chroot of
// the tree and as a unikernel behind `nabla run --publish`, asked the same requests from
// the host; what they answer is compared request for request.
package libos

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/fstree"
)

var (
	serveOnce sync.Once
	servePath string
	servePort int // the port the servers listen on, natively on the host and in the guest
	serveErr  error
)

// serveTree is dynTree with what the servers read: /etc/passwd and /etc/group (nginx looks
// its user up at start, as in any Debian image, where base-passwd writes them), the site
// in /srv/www, nginx's configuration and the Python server. A copy of its own, so dynTree
// stays as it is.
func serveTree(t *testing.T) string {
	t.Helper()
	src := dynTree(t)
	serveOnce.Do(func() {
		servePort = freeTCPPort(t)
		servePath = filepath.Join(work(t), "serveroot")
		if serveErr = fstree.Copy(src, servePath); serveErr != nil {
			return
		}
		big := make([]byte, 1<<20)
		rand.New(rand.NewSource(13)).Read(big)
		page := strings.Repeat("<p>nabla serves this page, compressible.</p>\n", 200)
		files := map[string]string{
			"etc/passwd":           "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
			"etc/group":            "root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n",
			"srv/www/index.html":   "<html><body>hello from the unikernel</body></html>\n",
			"srv/www/page.html":    page,
			"srv/www/big.bin":      string(big),
			"srv/www/a dir/x.txt":  "x\n",
			"srv/www/notes.txt":    "plain text\n",
			"etc/nginx/nabla.conf": strings.ReplaceAll(nginxConf, "PORT", strconv.Itoa(servePort)),
			"root/serve.py":        pyServe,
		}
		for p, b := range files {
			f := filepath.Join(servePath, p)
			if serveErr = os.MkdirAll(filepath.Dir(f), 0o755); serveErr != nil {
				return
			}
			if serveErr = os.WriteFile(f, []byte(b), 0o644); serveErr != nil {
				return
			}
		}
	})
	if serveErr != nil {
		t.Fatalf("making the servers' tree: %v", serveErr)
	}
	return servePath
}

// serverRun is one server started in the background, natively or as a unikernel.
type serverRun struct {
	cmd    *exec.Cmd
	stdout *bytes.Buffer
	stderr *bytes.Buffer
	done   chan struct{}
	addr   string // where the host reaches it
	status int
}

// startNative runs argv in a chroot of a copy of tree (the chroot helper), on the host's
// network: it listens on port itself.
func startNative(t *testing.T, tree string, argv []string, port int) *serverRun {
	t.Helper()
	root, err := os.MkdirTemp(work(t), "native-")
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(root)
	if err := fstree.Copy(tree, root); err != nil {
		t.Fatalf("copying the rootfs: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	spec, _ := json.Marshal(chrootSpec{Root: root, Argv: argv, Env: appEnv})
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = []string{chrootEnv + "=" + string(spec)}
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	return startServer(t, cmd, "127.0.0.1:"+strconv.Itoa(port))
}

// startUnikernel runs argv with `nabla run --rootfs=tree --publish`: the guest's port is
// reached at a free port of the host's loopback.
func startUnikernel(t *testing.T, tree string, argv []string, port int) *serverRun {
	t.Helper()
	hostPort := freePort(t)
	c := fsCase{tree: tree, argv: argv}
	a := c.uniArgv(t)
	a = append(a[:2], append([]string{fmt.Sprintf("--publish=127.0.0.1:%d:%d", hostPort, port)}, a[2:]...)...)
	cmd := exec.Command(a[0], a[1:]...)
	cmd.Env = []string{"NABLA_CACHE_DIR=" + nablaCacheDir(t), "HOME=" + work(t), "PATH=" + os.Getenv("PATH")}
	return startServer(t, cmd, "127.0.0.1:"+strconv.Itoa(hostPort))
}

func startServer(t *testing.T, cmd *exec.Cmd, addr string) *serverRun {
	t.Helper()
	r := &serverRun{cmd: cmd, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, done: make(chan struct{}), addr: addr}
	cmd.Stdout, cmd.Stderr = r.stdout, r.stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			r.status = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				r.status = 128 + int(ws.Signal())
			}
		} else if err != nil {
			r.status = -1
		}
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

// waitUp polls path until it answers 200 (the first unikernel run also bakes the image).
func (r *serverRun) waitUp(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(fsTimeout())
	for {
		st, _, err := get(r.addr, "GET", path, nil)
		if err == nil && st == 200 {
			return
		}
		select {
		case <-r.done:
			t.Fatalf("%s ended (status %d) before serving; stdout:\n%s\nstderr:\n%s", r.cmd.Args[0], r.status, r.stdout, r.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer on %s: %d %v; stdout:\n%s\nstderr:\n%s", r.addr, st, err, r.stdout, r.stderr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// end sends sig (0: none, the server ends by itself) and waits for the exit.
func (r *serverRun) end(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if sig != 0 {
		r.cmd.Process.Signal(sig)
	}
	select {
	case <-r.done:
	case <-time.After(fsTimeout()):
		t.Fatalf("%s did not end; stdout:\n%s\nstderr:\n%s", r.cmd.Args[0], r.stdout, r.stderr)
	}
}

// httpReq is one request of a transcript: method, path, extra headers, body.
type httpReq struct {
	method, path string
	hdr          []string // "Name: value"
	body         string
}

// noHost are the headers whose values legitimately differ between the two runs.
var noHost = map[string]bool{"Date": true}

// transcript makes the requests in order on one keep-alive client and writes down for each
// the status, every header but Date (sorted) and the body (its length and sha256 when
// long): the text the native and unikernel runs must share.
func transcript(t *testing.T, addr string, reqs []httpReq) string {
	t.Helper()
	c := &http.Client{Timeout: getDeadline, Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer c.CloseIdleConnections()
	var out strings.Builder
	for _, q := range reqs {
		req, err := http.NewRequest(q.method, "http://"+addr+q.path, strings.NewReader(q.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "nabla.test" // the same Host both ways
		for _, h := range q.hdr {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s on %s: %v", q.method, q.path, addr, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s %s on %s: body: %v", q.method, q.path, addr, err)
		}
		fmt.Fprintf(&out, "== %s %s %v\n%s %s\n", q.method, q.path, q.hdr, resp.Proto, resp.Status)
		var hs []string
		for k, v := range resp.Header {
			if !noHost[k] {
				hs = append(hs, k+": "+strings.Join(v, ", "))
			}
		}
		if len(resp.TransferEncoding) > 0 {
			hs = append(hs, "(transfer-encoding) "+strings.Join(resp.TransferEncoding, ", "))
		}
		sort.Strings(hs)
		for _, h := range hs {
			out.WriteString(h + "\n")
		}
		if len(b) > 512 || bytes.ContainsFunc(b, func(r rune) bool { return r < 9 || r > 126 }) {
			fmt.Fprintf(&out, "body: %d bytes, sha256 %x\n", len(b), sha256.Sum256(b))
		} else {
			fmt.Fprintf(&out, "body: %q\n", b)
		}
	}
	return out.String()
}

// loadCheck makes n GETs of path over conns parallel keep-alive connections and requires
// every one to answer 200 with want.
func loadCheck(t *testing.T, addr, path string, want []byte, n, conns int) {
	t.Helper()
	c := &http.Client{Timeout: getDeadline, Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: conns}}
	defer c.CloseIdleConnections()
	errs := make(chan error, conns)
	for w := 0; w < conns; w++ {
		go func() {
			for i := 0; i < n/conns; i++ {
				resp, err := c.Get("http://" + addr + path)
				if err != nil {
					errs <- err
					return
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || !bytes.Equal(b, want) {
					errs <- fmt.Errorf("GET %s: %s, %d bytes (%v), want 200 and %d bytes", path, resp.Status, len(b), err, len(want))
					return
				}
			}
			errs <- nil
		}()
	}
	for w := 0; w < conns; w++ {
		if err := <-errs; err != nil {
			t.Fatalf("load on %s: %v", addr, err)
		}
	}
}

// freeTCPPort is freePort checked on every address (the native server binds them all).
func freeTCPPort(t *testing.T) int {
	for i := 0; i < 20; i++ {
		p := freePort(t)
		if ln, err := net.Listen("tcp", ":"+strconv.Itoa(p)); err == nil {
			ln.Close()
			return p
		}
	}
	t.Fatal("no free TCP port")
	return 0
}
