// docker run -i (a pipe) and -it (typed on the terminal): the program reads what is sent,
// under runc and runnc alike.
package runnc

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dockerStdin compares go-stdin (/bin/stdin in progs) fed by docker run -i and typed on
// docker run -it's terminal, runc against runnc.
func dockerStdin(t *testing.T, d *dockerd) {
	t.Helper()
	var pipe, tty [2]string
	for i, rt := range []string{"runc", "runnc"} {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, "docker", "-H", d.host, "run", "--rm", "-i", "--runtime="+rt, "--network=none", "--entrypoint", "stdin", "progs")
		cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+filepath.Join(d.dir, "cli"))
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go feed(in)
		err = cmd.Wait()
		cancel()
		pipe[i] = o.String() + "\x00" + e.String() + "\x00" + strings.Repeat("x", exitCode(err))
		tty[i] = dockerTyped(t, d, rt)
	}
	if pipe[0] != stdinWant+"\x00\x00" {
		t.Errorf("docker run -i under runc (test premise): %q", pipe[0])
	}
	if pipe[0] != pipe[1] {
		t.Errorf("docker run -i differs:\nrunc:  %q\nrunnc: %q", pipe[0], pipe[1])
	}
	if !strings.Contains(tty[0], "got: \"hello world\\n\"\r\nend after 12 bytes: EOF\r\n") {
		t.Errorf("docker run -it under runc (test premise): %q", tty[0])
	}
	if tty[0] != tty[1] {
		t.Errorf("docker run -it, typed:\nrunc:  %q\nrunnc: %q", tty[0], tty[1])
	}
}

// dockerTyped runs go-stdin by docker run -it on a new pty and types a line and ^D once it
// says ready.
func dockerTyped(t *testing.T, d *dockerd, rt string) string {
	t.Helper()
	cmd := exec.Command("docker", "-H", d.host, "run", "--rm", "-it", "--runtime="+rt, "--network=none", "--entrypoint", "stdin", "progs")
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+filepath.Join(d.dir, "cli"))
	out, err := onPty(t, cmd, 30, 100, func(m *os.File) string { return typeOnPty(m, ptyTyped) })
	if err != nil {
		t.Errorf("docker run -it --runtime=%s: %v\n%q", rt, err, out)
	}
	return out
}
