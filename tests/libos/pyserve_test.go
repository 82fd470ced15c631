// Debian's python3.11: a script importing json, hashlib, sqlite3, threading and subprocess,
// then serving the site with http.server; natively in a chroot and as a unikernel, outputs
// and answers compared.
package libos

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pySpawnOK is what serve.py prints for subprocess.run(["/bin/true"]) (vfork and exec,
// run beside python3 in the libOS as natively).
const pySpawnOK = "subprocess /bin/true: status 0\n"

// pyServe works with the modules, then serves /srv/www (http.server, a thread per request)
// on the port in argv[1] until GET /quit, logging each request to stdout without times or
// addresses.
const pyServe = `import json, hashlib, sqlite3, threading, subprocess, sys, os, http.server
print(json.dumps({"k": [1, 2, {"z": None}]}, sort_keys=True))
print(hashlib.sha256(b"nabla").hexdigest(), hashlib.blake2b(b"x", digest_size=8).hexdigest())
db = sqlite3.connect(":memory:")
db.execute("create table t (k text, v int)")
db.executemany("insert into t values (?, ?)", [(str(i % 7), i) for i in range(1000)])
print(db.execute("select k, count(*), sum(v) from t group by k order by k").fetchall())
out = []
lock = threading.Lock()
def work(n):
    with lock: out.append(sum(range(n)))
ts = [threading.Thread(target=work, args=(n,)) for n in (10, 1000, 100000)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(out))
try:
    r = subprocess.run(["/bin/true"])
    print("subprocess /bin/true: status", r.returncode)
except OSError as e:
    print("subprocess /bin/true: OSError errno", e.errno)
sys.stdout.flush()
os.chdir("/srv/www")
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        print("log:", fmt % args, flush=True)
    def do_GET(self):
        if self.path == "/quit":
            self.send_response(200)
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"bye\n")
            threading.Thread(target=self.server.shutdown).start()
            return
        super().do_GET()
srv = http.server.ThreadingHTTPServer(("", int(sys.argv[1])), Handler)
print("serving", flush=True)
srv.serve_forever()
srv.server_close()
print("done")
`

func TestPythonServe(t *testing.T) {
	requireNetAdmin(t)
	tree := serveTree(t)
	big, err := os.ReadFile(filepath.Join(tree, "srv/www/big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := []httpReq{
		{method: "GET", path: "/"}, // index.html
		{method: "GET", path: "/index.html"},
		{method: "HEAD", path: "/page.html"},
		{method: "GET", path: "/big.bin"},
		{method: "GET", path: "/notes.txt"},
		{method: "GET", path: "/nope"},
		{method: "GET", path: "/a%20dir"},
		{method: "GET", path: "/a%20dir/"}, // the directory listing
		{method: "POST", path: "/index.html", body: "x=1"},
	}
	argv := []string{"/usr/bin/python3", "-B", "/root/serve.py", strconv.Itoa(servePort)}
	run := func(r *serverRun) (string, *serverRun) {
		r.waitUp(t, "/index.html")
		tr := transcript(t, r.addr, reqs)
		file := filepath.Join(t.TempDir(), "big.bin")
		if err := fetch(t, "http://"+r.addr+"/big.bin", file); err != nil {
			t.Fatalf("fetch: %v", err)
		}
		if b, err := os.ReadFile(file); err != nil || string(b) != string(big) {
			t.Fatalf("fetched big.bin: %d bytes (%v), want the file's %d", len(b), err, len(big))
		}
		if st, b, err := get(r.addr, "GET", "/quit", nil); err != nil || st != 200 || string(b) != "bye\n" {
			t.Fatalf("/quit: %d %q %v", st, b, err)
		}
		r.end(t, 0)
		return tr, r
	}
	ntr, n := run(startNative(t, tree, argv, servePort))
	for _, want := range []string{"[('0', 143, 71071), ", "[45, 499500, 4999950000]", pySpawnOK, "serving\n", `log: "GET /big.bin HTTP/1.1" 200 -`, "done\n"} {
		if !strings.Contains(n.stdout.String(), want) {
			t.Fatalf("native python3's output lacks %q:\n%s\nstderr:\n%s", want, n.stdout, n.stderr)
		}
	}
	for _, want := range []string{"200 OK\nContent-Length: 1048576\nContent-Type: application/octet-stream\nLast-Modified:", "404 File not found",
		"301 Moved Permanently", "Location: /a%20dir/", `<a href=\"x.txt\">x.txt</a>`, "501 Unsupported method ('POST')"} {
		if !strings.Contains(ntr, want) {
			t.Fatalf("native http.server's answers lack %q:\n%s", want, ntr)
		}
	}
	utr, u := run(startUnikernel(t, tree, argv, servePort))
	want := n.stdout.String()
	if u.stdout.String() != want || u.stderr.String() != n.stderr.String() || u.status != n.status || n.status != 0 {
		t.Fatalf("outputs differ:\nnative (status %d):\n%s\nstderr:\n%s\nunikernel (status %d):\n%s\nstderr:\n%s\nwant stdout:\n%s",
			n.status, n.stdout, n.stderr, u.status, u.stdout, u.stderr, want)
	}
	if ntr != utr {
		t.Fatalf("the answers differ:\nnative:\n%s\nunikernel:\n%s\n(diff: %s)", ntr, utr, diffText(ntr, utr))
	}
	t.Logf("output:\n%s", u.stdout)
}
