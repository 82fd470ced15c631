// Debian's nginx (dynamic glibc, as packaged) serving a static site: natively in a chroot of
// the tree and as a unikernel, the same requests answered the same way.
package libos

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// nginxConf is how containers run nginx (the Docker image's way): one process in the
// foreground, no master (it would fork), Debian's settings otherwise (sendfile, tcp_nopush,
// gzip), the access log on stdout in a form without times or addresses (as
// /proc/self/fd/1: the aarch64 VM's devtmpfs has no /dev/stdout link, and nginx would make
// a file there).
const nginxConf = `master_process off;
daemon off;
worker_processes 1;
pid /tmp/nginx.pid;
error_log stderr warn;
events { worker_connections 128; }
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format nabla '$request $status $body_bytes_sent "$http_range" $gzip_ratio';
    access_log /proc/self/fd/1 nabla;
    gzip on;
    absolute_redirect off;
    server {
        listen PORT default_server;
        root /srv/www;
        index index.html;
        autoindex on;
    }
}
`

// nginxErrNorm drops from nginx's error log what differs between the runs: the time, the
// pid, and the client's address (the host's loopback natively, the published port's
// gateway in the guest).
var nginxErrNorm = regexp.MustCompile(`(?m)^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (\[\w+\]) \d+#\d+: |(client): [0-9.]+`)

func TestNginx(t *testing.T) {
	requireNetAdmin(t)
	tree := serveTree(t)
	st, err := os.Stat(filepath.Join(tree, "srv/www/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	etag := fmt.Sprintf(`"%x-%x"`, st.ModTime().Unix(), st.Size())
	big, err := os.ReadFile(filepath.Join(tree, "srv/www/big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	index, _ := os.ReadFile(filepath.Join(tree, "srv/www/index.html"))
	reqs := []httpReq{
		{method: "GET", path: "/"},
		{method: "GET", path: "/index.html"},
		{method: "HEAD", path: "/index.html"},
		{method: "GET", path: "/index.html", hdr: []string{"If-None-Match: " + etag}},
		{method: "GET", path: "/index.html", hdr: []string{"If-Modified-Since: " + st.ModTime().UTC().Format(timeFormatHTTP)}},
		{method: "GET", path: "/big.bin"}, // sendfile
		{method: "GET", path: "/big.bin", hdr: []string{"Range: bytes=1000-1999"}},
		{method: "GET", path: "/big.bin", hdr: []string{"Range: bytes=-100"}},
		{method: "GET", path: "/big.bin", hdr: []string{"Range: bytes=2000000-"}},
		{method: "GET", path: "/page.html", hdr: []string{"Accept-Encoding: gzip"}},
		{method: "GET", path: "/page.html"},
		{method: "GET", path: "/notes.txt"},
		{method: "GET", path: "/nope"},
		{method: "GET", path: "/a%20dir"},
		{method: "GET", path: "/a%20dir/"}, // autoindex: the directory read, names, sizes, times
		{method: "POST", path: "/index.html", body: "x=1"},
		{method: "DELETE", path: "/index.html"},
		{method: "GET", path: "/../etc/passwd"},
	}
	argv := []string{"/usr/sbin/nginx", "-c", "/etc/nginx/nabla.conf"}
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
		loadCheck(t, r.addr, "/index.html", index, 400, 8)
		r.end(t, syscall.SIGTERM)
		return tr, r
	}
	ntr, n := run(startNative(t, tree, argv, servePort))
	for _, want := range []string{"200 OK\nAccept-Ranges: bytes\nConnection: keep-alive\nContent-Length: 1048576\nContent-Type: application/octet-stream\nEtag:",
		"206 Partial Content", "304 Not Modified", "404 Not Found", "301 Moved Permanently", "Location: /a%20dir/",
		"Content-Encoding: gzip", "405 Not Allowed", "400 Bad Request", "416 Requested Range Not Satisfiable",
		`<a href=\"x.txt\">x.txt</a>`} {
		if !strings.Contains(ntr, want) {
			t.Fatalf("native nginx's answers lack %q:\n%s\nstderr:\n%s", want, ntr, n.stderr)
		}
	}
	utr, u := run(startUnikernel(t, tree, argv, servePort))
	if ntr != utr {
		t.Fatalf("the answers differ:\nnative:\n%s\nunikernel:\n%s\n(diff: %s)", ntr, utr, diffText(ntr, utr))
	}
	// The access log (stdout): the same lines (the parallel part in any order).
	if a, b := sortLines(n.stdout.String()), sortLines(u.stdout.String()); a != b || strings.Count(a, "\n") < 400 {
		t.Fatalf("access logs differ:\nnative:\n%s\nunikernel:\n%s", clip(a), clip(b))
	}
	ne, ue := nginxErrNorm.ReplaceAllString(n.stderr.String(), "$1$2 "), nginxErrNorm.ReplaceAllString(u.stderr.String(), "$1$2 ")
	if ne != ue || n.status != u.status || n.status != 0 {
		t.Fatalf("status %d and %d (want 0), error logs:\nnative:\n%s\nunikernel:\n%s", n.status, u.status, ne, ue)
	}
	t.Logf("%d answers alike, error log:\n%s", len(reqs), ne)
}

// timeFormatHTTP is the date form of HTTP headers (net/http.TimeFormat).
const timeFormatHTTP = "Mon, 02 Jan 2006 15:04:05 GMT"
