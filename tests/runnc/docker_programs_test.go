// An ordinary image (a rootfs tar given to `docker import`, static Go programs in it) under
// runc and under runnc through Docker: output, exit status, logs per stream, docker stop.
package runnc

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dockerSplit runs docker with stdout and stderr apart.
func (d *dockerd) dockerSplit(t *testing.T, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", append([]string{"-H", d.host}, args...)...)
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+filepath.Join(d.dir, "cli"))
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// programsTar is a FROM-scratch-like rootfs: /app/server (go-args) and, in /bin, go-exit3,
// go-stdio, go-sigterm, go-rofs, go-rlimit, go-oom, go-tty and go-stdin.
func programsTar(t *testing.T) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct{ name, app string }{
		{"app/server", "go-args"}, {"bin/exit3", "go-exit3"}, {"bin/stdio", "go-stdio"}, {"bin/sigterm", "go-sigterm"},
		{"bin/rofs", "go-rofs"}, {"bin/rlimit", "go-rlimit"}, {"bin/oom", "go-oom"}, {"bin/tty", "go-tty"}, {"bin/stdin", "go-stdin"},
	} {
		b, err := os.ReadFile(goProgram(t, f.app))
		if err != nil {
			t.Fatal(err)
		}
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestDockerPrograms(t *testing.T) {
	hostOnly(t, "Docker")
	requireRoot(t)
	dir, _, d := dockerWorld(t, "runnc-dockerprog-")

	tarPath := filepath.Join(dir, "rootfs.tar")
	if err := os.WriteFile(tarPath, programsTar(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := d.docker(t, "import", "--change", "ENV PATH=/app:/bin", "--change", `ENTRYPOINT ["server"]`, tarPath, "progs:latest"); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}

	// The same run under runc (Docker's default) and runnc: output, stderr, status.
	both := func(what string, args ...string) (string, string) {
		t.Helper()
		var outs [2]string
		for i, rt := range []string{"runc", "runnc"} {
			o, e, err := d.dockerSplit(t, append([]string{"run", "--rm", "--runtime=" + rt, "--network=none", "--hostname=h"}, args...)...)
			outs[i] = o + "\x00" + e + "\x00" + strings.Repeat("x", exitCode(err))
			if rt == "runnc" && strings.Contains(o+e, "Solo5") {
				t.Errorf("%s: the Solo5 banner is in the container's output:\n%s%s", what, o, e)
			}
		}
		if outs[0] != outs[1] {
			t.Errorf("%s differs:\nrunc:  %q\nrunnc: %q", what, outs[0], outs[1])
		}
		return outs[0], outs[1]
	}
	r, _ := both("argv/env/cwd/ids", "-e", "NABLA_ARGS_HEX=1", "progs", "--flag", "a b")
	if !strings.Contains(r, "argv[0] "+hexOf("server")+"\nargv[1] "+hexOf("--flag")+"\nargv[2] "+hexOf("a b")+"\n") {
		t.Errorf("argv under runc not as expected (test premise): %q", r)
	}
	if r, _ := both("exit status", "--entrypoint", "exit3", "progs"); !strings.HasSuffix(r, "\x00xxx") {
		t.Errorf("exit3 under runc: %q", r)
	}
	both("stdout and stderr", "--entrypoint", "stdio", "progs")
	// --read-only: EROFS in the image's tree, memory in the --tmpfs and /dev/shm.
	if r, _ := both("read-only", "--read-only", "--tmpfs", "/tmp", "--entrypoint", "rofs", "progs", "/", "/etc", "/tmp", "/dev/shm"); !strings.Contains(r, "open /etc/rofs-probe: read-only file system\n/tmp/rofs-probe: written") {
		t.Errorf("--read-only under runc (test premise): %q", r)
	}
	// --ulimit: process.rlimits as getrlimit reports them, RLIMIT_NOFILE enforced.
	if r, _ := both("ulimit", "--ulimit", "nofile=64:200", "--ulimit", "nproc=300:400", "--ulimit", "stack=4194304:16777216", "--entrypoint", "rlimit", "progs"); !strings.HasPrefix(r, "nofile 199 200 <nil>\nstack 4194304 16777216 <nil>\nnproc 300 400 <nil>\n") {
		t.Errorf("--ulimit under runc (test premise): %q", r)
	}
	dockerMemory(t, d)
	dockerTerminal(t, d)
	dockerStdin(t, d)

	// docker logs keeps each stream as written.
	for _, rt := range []string{"runc", "runnc"} {
		name := "stdio-" + rt
		if out, err := d.docker(t, "run", "--name", name, "--runtime="+rt, "--network=none", "--entrypoint", "stdio", "progs"); err != nil {
			t.Fatalf("docker run %s: %v\n%s", name, err, out)
		}
		o, e, err := d.dockerSplit(t, "logs", name)
		if err != nil || o != "out 0\nout 1\nout 2\nout 3\nout 4\n" || e != "err 0\nerr 1\nerr 2\nerr 3\nerr 4\nno newline at the end" {
			t.Errorf("%s: docker logs: %v\nstdout %q\nstderr %q", rt, err, o, e)
		}
		d.docker(t, "rm", name)
	}

	// docker stop: SIGTERM reaches the program, which says bye and exits 0.
	for _, rt := range []string{"runc", "runnc"} {
		name := "stop-" + rt
		if out, err := d.docker(t, "run", "-d", "--name", name, "--runtime="+rt, "--network=none", "--entrypoint", "sigterm", "progs"); err != nil {
			t.Fatalf("docker run -d %s: %v\n%s", name, err, out)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			if o, _, _ := d.dockerSplit(t, "logs", name); o == "ready\n" {
				break
			}
			if time.Now().After(deadline) {
				o, _ := d.docker(t, "logs", name)
				t.Fatalf("%s: not ready: %q", name, o)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if out, err := d.docker(t, "stop", "-t", "20", name); err != nil {
			t.Errorf("docker stop %s: %v\n%s", name, err, out)
		}
		code, _ := d.docker(t, "inspect", "-f", "{{.State.ExitCode}}", name)
		o, _, _ := d.dockerSplit(t, "logs", name)
		if strings.TrimSpace(code) != "0" || o != "ready\ngot terminated\nbye\n" {
			t.Errorf("%s: after docker stop: exit %q, logs %q", rt, strings.TrimSpace(code), o)
		}
		d.docker(t, "rm", name)
	}
	if out, _ := d.docker(t, "ps", "-aq"); strings.TrimSpace(out) != "" {
		t.Errorf("containers left: %q", out)
	}
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(digits[s[i]>>4])
		b.WriteByte(digits[s[i]&15])
	}
	return b.String()
}
