// Ordinary images of Debian's dynamically linked programs (python3, dash, redis-server, as
// tests/libos/fetch-dynroot.sh unpacks them) under runc and runnc through Docker: outputs,
// exit statuses, redis replies from the host, and docker stop, compared.
package runnc

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// debianTree is the Debian rootfs of dynamic programs (fetched once into the cache).
func debianTree(t *testing.T) string {
	t.Helper()
	arch := map[string]string{"amd64": "amd64", "arm64": "arm64"}[runtime.GOARCH]
	out, err := exec.Command("bash", filepath.Join("..", "libos", "fetch-dynroot.sh"), arch).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("fetch-dynroot.sh %s: %v\n%s", arch, err, ee.Stderr)
		}
		t.Fatalf("fetch-dynroot.sh %s: %v", arch, err)
	}
	return strings.TrimSpace(string(out))
}

// pyScript works with modules that load extension libraries and runs a child (vfork and
// exec), then exits 3.
const pyScript = `import hashlib, json, sqlite3, subprocess, sys
db = sqlite3.connect(":memory:")
db.execute("create table t(x)")
db.executemany("insert into t values(?)", [(i,) for i in range(1000)])
print("sum", db.execute("select sum(x) from t").fetchone()[0])
print("sha256", hashlib.sha256(b"nabla").hexdigest())
print("json", json.dumps({"argv": sys.argv[1:], "path": sys.path[1:3]}))
print("child", subprocess.run(["/usr/bin/echo", "from", "echo"], capture_output=True).stdout.decode().strip())
print("to stderr", file=sys.stderr)
sys.exit(3)
`

func TestDockerDynamicImages(t *testing.T) {
	hostOnly(t, "Docker")
	requireRoot(t)
	tree := debianTree(t)
	dir, peer, d := dockerWorld(t, "runnc-dockerdyn-")
	if out, err := peer.in("ip", "link", "set", "lo", "up"); err != nil {
		t.Fatalf("lo up in the dockerd namespace: %v\n%s", err, out)
	}
	tarPath := filepath.Join(dir, "rootfs.tar")
	if out, err := exec.Command("tar", "-C", tree, "-cf", tarPath, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar of %s: %v\n%s", tree, err, out)
	}
	if out, err := d.docker(t, "import", "--change", "ENV PATH=/usr/local/bin:/usr/bin:/bin", tarPath, "debian-dyn:latest"); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	os.Remove(tarPath)

	// The same run under both runtimes: stdout, stderr and status apart.
	both := func(what string, args ...string) {
		t.Helper()
		var outs [2]string
		for i, rt := range []string{"runc", "runnc"} {
			o, e, err := d.dockerSplit(t, append([]string{"run", "--rm", "--runtime=" + rt, "debian-dyn"}, args...)...)
			outs[i] = fmt.Sprintf("stdout:\n%s\nstderr:\n%s\nstatus %d", o, e, exitCode(err))
		}
		if outs[0] != outs[1] {
			t.Errorf("%s: runc and runnc differ\nrunc:\n%s\nrunnc:\n%s", what, outs[0], outs[1])
		}
		t.Logf("%s:\n%s", what, outs[0])
	}
	both("python3", "python3", "-c", pyScript, "a b", "")
	both("dash", "dash", "-c", `echo "$0" "$#" "$@"; /usr/bin/true && ls /usr/lib/python3.11/json; exit 4`, "zero", "one two", "")

	// redis-server, reached from the dockerd host through -p; SIGTERM by docker stop.
	redisArgs := []string{"redis-server", "--save", "", "--appendonly", "no", "--protected-mode", "no"}
	if runtime.GOARCH == "arm64" { // redis's copy-on-write probe forks, which the libOS does not
		redisArgs = append(redisArgs, "--ignore-warnings", "ARM64-COW-BUG")
	}
	var replies [2]string
	for i, rt := range []string{"runc", "runnc"} {
		name, port := "redis-"+rt, fmt.Sprint(16379+i)
		if out, err := d.docker(t, append([]string{"run", "-d", "--runtime=" + rt, "--name", name, "-p", "127.0.0.1:" + port + ":6379", "debian-dyn"}, redisArgs...)...); err != nil {
			t.Fatalf("docker run %s: %v\n%s", name, err, out)
		}
		defer d.docker(t, "rm", "-f", name)
		cli := func(args ...string) (string, error) {
			return peer.in(append([]string{"chroot", tree, "redis-cli", "-h", "127.0.0.1", "-p", port}, args...)...)
		}
		var out string
		var err error
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if out, err = cli("ping"); err == nil && strings.TrimSpace(out) == "PONG" {
				break
			}
		}
		if strings.TrimSpace(out) != "PONG" {
			logs, _ := d.docker(t, "logs", name)
			t.Fatalf("%s: no PONG in 60 s: %v %q\nlogs:\n%s", name, err, out, logs)
		}
		var b strings.Builder
		for _, c := range [][]string{{"set", "greeting", "hello world"}, {"get", "greeting"}, {"incr", "n"}, {"incrby", "n", "41"},
			{"rpush", "l", "a", "b", "c"}, {"lrange", "l", "0", "-1"}, {"get", "missing"}, {"dbsize"}} {
			out, err := cli(c...)
			fmt.Fprintf(&b, "%s -> %s (%v)\n", strings.Join(c, " "), strings.TrimSpace(out), err)
		}
		replies[i] = b.String()
		if out, err := d.docker(t, "stop", "-t", "10", name); err != nil {
			t.Fatalf("docker stop %s: %v\n%s", name, err, out)
		}
		code, _ := d.docker(t, "inspect", "-f", "{{.State.ExitCode}}", name)
		logs, _ := d.docker(t, "logs", name)
		if strings.TrimSpace(code) != "0" || !strings.Contains(logs, "ready to exit, bye bye") {
			t.Errorf("%s after docker stop: exit code %q, want 0 and redis's goodbye in its logs:\n%s", name, strings.TrimSpace(code), logs)
		}
	}
	if replies[0] != replies[1] {
		t.Errorf("redis replies differ\nrunc:\n%s\nrunnc:\n%s", replies[0], replies[1])
	}
	t.Logf("redis replies:\n%s", replies[0])
}
