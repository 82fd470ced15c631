// Names in a unikernel: Go's pure resolver and musl's getaddrinfo read the rootfs's
// /etc/resolv.conf and /etc/hosts, ask the test's DNS server across the tap (TCP after a
// truncated UDP answer) and fetch over HTTP by name from a server in the test's namespace.
package libos

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/bake"
	"github.com/nabla-containers/nabla/internal/runnc/rootfs"
	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

// The test's network: its side of the tap is the name server and the web server.
const (
	dnsTap   = "nablatap1"
	dnsHost  = "10.79.0.1"
	dnsGuest = "10.79.0.2"
	webPort  = "8082"
	webBody  = "hello over the tap"
)

// manyIPs are the 100 A records of many.test: 1,612 bytes of answer, past 512.
func manyIPs() []net.IP {
	var ips []net.IP
	for i := 1; i <= 100; i++ {
		ips = append(ips, net.IPv4(10, 80, 0, byte(i)))
	}
	return ips
}

// resolverRootfs is the client's / as a disk: the app (from appPath), resolv.conf, hosts,
// nsswitch.conf, and extra files (rootfs path: host path; a dynamic program's libraries).
func resolverRootfs(t *testing.T, name, appPath string, extra map[string]string) string {
	root := t.TempDir()
	app, err := os.ReadFile(appPath)
	if err != nil {
		t.Fatal(err)
	}
	for in, from := range extra {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(root, in)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"bin/" + name:       string(app),
		"etc/resolv.conf":   "# the test's server, on the tap's host side\nnameserver " + dnsHost + "\noptions timeout:5 attempts:3\n",
		"etc/hosts":         "127.0.0.1\tlocalhost\n10.81.0.7\thostsonly.test alias.test\n",
		"etc/nsswitch.conf": "hosts: files dns\n",
	}
	for p, b := range files {
		f := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(b), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r, err := rootfs.Image(root, filepath.Join(work(t), "dns-disks"), rootfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r.Path
}

// runResolver runs app (go-resolve or musl-resolve) with args on a NIC on the tap and
// its rootfs disk, in a namespace with the DNS and web servers; the output and the server.
func runResolver(t *testing.T, app string, args []string) (string, *dnsServer) {
	return runResolverBin(t, app, buildApp(t, app), nil, args)
}

// runResolverBin is runResolver for the program at appPath, with extra rootfs files.
func runResolverBin(t *testing.T, app, appPath string, extra map[string]string, args []string) (string, *dnsServer) {
	requireNetAdmin(t)
	disk := resolverRootfs(t, app, appPath, extra)
	b, err := os.ReadFile(appPath)
	if err != nil {
		t.Fatal(err)
	}
	img, err := bake.Bake(libosImage(t), b, bake.Options{Arch: arch(), Name: app, Disks: []string{"rootfs"}, Nets: []string{"service"}})
	if err != nil {
		t.Fatal(err)
	}
	imgPath := filepath.Join(work(t), app+"-dns.spt")
	if err := os.WriteFile(imgPath, img, 0o755); err != nil {
		t.Fatal(err)
	}
	n := newNetns(t)
	defer n.Close()
	if err := n.Do(func() error { return setTap(dnsTap, net.ParseIP(dnsHost), true) }); err != nil {
		t.Fatal(err)
	}
	defer n.Do(func() error { return setTap(dnsTap, nil, false) })
	dns := &dnsServer{records: map[string][]net.IP{
		"web.test":  {net.ParseIP(dnsHost)},
		"www.test":  {net.ParseIP(dnsHost)}, // the URL's: each name is looked up once
		"many.test": manyIPs(),
		"two.test":  {net.IPv4(10, 82, 0, 2), net.IPv4(10, 82, 0, 1)},
	}}
	var udp net.PacketConn
	var tcp, web net.Listener
	err = n.Do(func() (err error) {
		if udp, err = net.ListenPacket("udp4", dnsHost+":53"); err != nil {
			return err
		}
		if tcp, err = net.Listen("tcp4", dnsHost+":53"); err != nil {
			return err
		}
		web, err = net.Listen("tcp4", dnsHost+":"+webPort)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	defer tcp.Close()
	defer web.Close()
	dns.serve(udp, tcp)
	go http.Serve(web, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "www.test:"+webPort {
			http.Error(w, "wrong Host "+r.Host, 400)
			return
		}
		fmt.Fprint(w, webBody)
	}))

	cfg := &specconv.Config{LibOS: true, Args: append([]string{"/bin/" + app}, args...), Cwd: "/",
		Mounts: []specconv.Mount{{Dev: "rootfs", Path: "/"}},
		Net:    &specconv.Net{Addr: dnsGuest, Mask: "24", Gw: dnsHost}}
	line, err := cfg.Cmdline()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(tender(t), "--mem="+strconv.Itoa(defaultMem(t)), "--block:rootfs="+disk,
		"--block-sector-size:rootfs="+strconv.Itoa(rootfs.DiskBlock), "--net:service="+dnsTap, imgPath, "--solo5:quiet", line)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := n.Do(cmd.Start); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v; output:\n%s\nqueries:\n%s", app, err, out.String(), dns.log())
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not finish; output:\n%s\nqueries:\n%s", app, out.String(), dns.log())
	}
	return out.String(), dns
}

// wantLine is the clients' line for a name with these addresses (sorted as strings).
func wantLine(name string, ips ...net.IP) string {
	var s []string
	for _, ip := range ips {
		s = append(s, ip.String())
	}
	sort.Strings(s)
	return name + ": " + strings.Join(s, " ") + "\n"
}

func TestGoResolver(t *testing.T) {
	url := "http://www.test:" + webPort + "/"
	out, dns := runResolver(t, "go-resolve", []string{"web.test", "two.test", "hostsonly.test", "alias.test", "nosuch.test", "many.test", url})
	want := wantLine("web.test", net.ParseIP(dnsHost)) +
		wantLine("two.test", net.IPv4(10, 82, 0, 2), net.IPv4(10, 82, 0, 1)) +
		"hostsonly.test: 10.81.0.7\nalias.test: 10.81.0.7\nnosuch.test: error notfound=true\n" +
		wantLine("many.test", manyIPs()...) +
		"GET " + url + ": 200 " + webBody + "\n"
	if out != want {
		t.Fatalf("output:\n%s\nwant:\n%s\nqueries:\n%s", out, want, dns.log())
	}
	// The 100 records came over TCP after a truncated UDP answer; /etc/hosts names never
	// reached the server.
	// No query asked twice: none was lost on the way (as the first ones were while the
	// guest waited for the tap's ARP reply, before lwIP queued more than one packet).
	if d := dns.repeated(); d != "" {
		t.Errorf("query %q asked again (one was lost); queries:\n%s", d, dns.log())
	}
	for _, q := range []string{"udp many.test A", "tcp many.test A", "udp web.test A"} {
		if !dns.saw(q) {
			t.Errorf("the server never saw %q; queries:\n%s", q, dns.log())
		}
	}
	if strings.Contains(dns.log(), "hostsonly.test") {
		t.Errorf("hostsonly.test (in /etc/hosts) was asked of the DNS server:\n%s", dns.log())
	}
}

// musl 1.2.3 (Debian 12) has no TCP fallback (it came in 1.2.4): a truncated answer is
// used as it is, so many.test is not asked here. glibc's getaddrinfo: TestGlibcResolver
// (dynamic: static glibc needs NSS modules it loads at run time).
func TestMuslResolver(t *testing.T) {
	url := "http://www.test:" + webPort + "/"
	out, dns := runResolver(t, "musl-resolve", []string{"web.test", "two.test", "hostsonly.test", "alias.test", "nosuch.test", url})
	want := wantLine("web.test", net.ParseIP(dnsHost)) +
		wantLine("two.test", net.IPv4(10, 82, 0, 2), net.IPv4(10, 82, 0, 1)) +
		"hostsonly.test: 10.81.0.7\nalias.test: 10.81.0.7\nnosuch.test: error notfound=true\n" +
		"GET " + url + ": 200 " + webBody + "\n"
	if out != want {
		t.Fatalf("output:\n%s\nwant:\n%s\nqueries:\n%s", out, want, dns.log())
	}
	if d := dns.repeated(); d != "" {
		t.Errorf("query %q asked again (one was lost); queries:\n%s", d, dns.log())
	}
	for _, q := range []string{"udp web.test A", "udp web.test AAAA"} {
		if !dns.saw(q) {
			t.Errorf("the server never saw %q; queries:\n%s", q, dns.log())
		}
	}
}

// glibcResolve is apps/musl-resolve's main.c linked dynamically against glibc: built here
// with gcc, or prebuilt in $NABLA_LIBOS_APPS (the VM: vm-prepare.sh cross-builds it).
func glibcResolve(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
		return filepath.Join(d, "glibc-resolve")
	}
	out := filepath.Join(work(t), "glibc-resolve")
	if b, err := exec.Command("gcc", "-O2", "-o", out, filepath.Join("apps", "musl-resolve", "main.c")).CombinedOutput(); err != nil {
		t.Fatalf("gcc glibc-resolve: %v\n%s", err, b)
	}
	return out
}

// glibc's getaddrinfo in a dynamic program (its loader and libc.so.6 from Debian's libc6,
// whose files and dns NSS services are built into libc): the same names as musl's, and
// the 100 records, which glibc asks again over TCP after the truncated UDP answer.
func TestGlibcResolver(t *testing.T) {
	app := glibcResolve(t)
	tree := dynTree(t)
	interp := interpOf(t, app)
	triplet := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[runtime.GOARCH]
	extra := map[string]string{}
	for _, p := range []string{interp, "/lib/" + triplet + "/libc.so.6"} {
		host, err := inTree(tree, p)
		if err != nil {
			t.Fatalf("%s in the Debian tree: %v", p, err)
		}
		extra[strings.TrimPrefix(p, "/")] = host
	}
	url := "http://www.test:" + webPort + "/"
	out, dns := runResolverBin(t, "glibc-resolve", app, extra,
		[]string{"web.test", "two.test", "hostsonly.test", "alias.test", "nosuch.test", "many.test", url})
	want := wantLine("web.test", net.ParseIP(dnsHost)) +
		wantLine("two.test", net.IPv4(10, 82, 0, 2), net.IPv4(10, 82, 0, 1)) +
		"hostsonly.test: 10.81.0.7\nalias.test: 10.81.0.7\nnosuch.test: error notfound=true\n" +
		wantLine("many.test", manyIPs()...) +
		"GET " + url + ": 200 " + webBody + "\n"
	if out != want {
		t.Fatalf("output:\n%s\nwant:\n%s\nqueries:\n%s", out, want, dns.log())
	}
	for _, q := range []string{"udp web.test A", "udp web.test AAAA", "tcp many.test A"} {
		if !dns.saw(q) {
			t.Errorf("the server never saw %q; queries:\n%s", q, dns.log())
		}
	}
	if strings.Contains(dns.log(), "hostsonly.test") {
		t.Errorf("hostsonly.test (in /etc/hosts) was asked of the DNS server:\n%s", dns.log())
	}
}

// inTree is the host path of p inside the tree root, its symlinks followed there (an
// absolute link target names a path in the tree, not on the host).
func inTree(root, p string) (string, error) {
	for hops := 0; hops < 40; hops++ {
		full := filepath.Join(root, p)
		fi, err := os.Lstat(full)
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return full, nil
		}
		target, err := os.Readlink(full)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = filepath.Clean("/" + target)
	}
	return "", fmt.Errorf("%s: too many symlinks", p)
}
